// Package deploy_test checks the deployment files offline, without Docker
// or a cluster: every Kubernetes manifest decodes strictly into the
// official API types (an unknown or misspelt field fails), the Compose
// file into the few fields it may use, the Dockerfile has the properties
// the image promises, and docs/operations.md agrees with config.Vars and
// internal/metrics.
package deploy_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"nyttig/internal/config"
)

// kinds are the manifest types deploy/k8s may hold.
var kinds = map[string]func() any{
	"apps/v1/Deployment":            func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                  func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget": func() any { return &policyv1.PodDisruptionBudget{} },
	"v1/Service":                    func() any { return &corev1.Service{} },
	"v1/ConfigMap":                  func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                     func() any { return &corev1.Secret{} },
	"networking.k8s.io/v1/Ingress":  func() any { return &networkingv1.Ingress{} },
}

// decodeStrict decodes one YAML document into the API type its apiVersion
// and kind name, rejecting unknown and duplicate fields.
func decodeStrict(doc []byte) (any, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	newObj, ok := kinds[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return nil, fmt.Errorf("unexpected kind %s/%s", tm.APIVersion, tm.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// manifests decodes every document of every file in k8s/ but the
// kustomization, keyed by file name.
func manifests(t *testing.T) map[string][]any {
	t.Helper()
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/k8s (%v)", err)
	}
	out := map[string][]any{}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			obj, err := decodeStrict(doc)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[filepath.Base(f)] = append(out[filepath.Base(f)], obj)
		}
	}
	return out
}

// one returns the only object of type T in the manifests.
func one[T any](t *testing.T, all map[string][]any) *T {
	t.Helper()
	var found []*T
	for _, objs := range all {
		for _, o := range objs {
			if v, ok := o.(*T); ok {
				found = append(found, v)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d manifests of type %T, want 1", len(found), *new(T))
	}
	return found[0]
}

func TestStrictDecodingRejectsMisspeltFields(t *testing.T) {
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicass: 2\n")
	if _, err := decodeStrict(doc); err == nil || !strings.Contains(err.Error(), "replicass") {
		t.Errorf("a misspelt field decoded: %v", err)
	}
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	var k struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Labels     []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
		Resources []string `json:"resources"`
		Images    []struct {
			Name    string `json:"name"`
			NewName string `json:"newName"`
			NewTag  string `json:"newTag"`
		} `json:"images"`
	}
	data, err := os.ReadFile("k8s/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("kustomization.yaml is %s %s", k.APIVersion, k.Kind)
	}
	files, _ := filepath.Glob("k8s/*.yaml")
	for _, f := range files {
		name := filepath.Base(f)
		listed := slices.Contains(k.Resources, name)
		switch name {
		case "kustomization.yaml":
		case "secret.example.yaml":
			if listed {
				t.Error("the example Secret with placeholder values is a resource: it would be applied")
			}
		default:
			if !listed {
				t.Errorf("%s is not in kustomization.yaml's resources", name)
			}
		}
	}
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join("k8s", r)); err != nil {
			t.Errorf("resource %s: %v", r, err)
		}
	}
	all := manifests(t)
	for _, c := range []corev1.Container{
		one[appsv1.Deployment](t, all).Spec.Template.Spec.Containers[0],
		one[batchv1.Job](t, all).Spec.Template.Spec.Containers[0],
	} {
		if len(k.Images) != 1 || k.Images[0].Name != c.Image || k.Images[0].NewTag == "" || k.Images[0].NewTag == "latest" {
			t.Errorf("container %s's image %q is not pinned by kustomization.yaml's images", c.Name, c.Image)
		}
	}
}

func TestDeployment(t *testing.T) {
	all := manifests(t)
	d := one[appsv1.Deployment](t, all)
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Error("the Deployment must run two or more replicas")
	}
	pod := d.Spec.Template.Spec
	podLabels := d.Spec.Template.Labels
	if !selects(d.Spec.Selector, podLabels) {
		t.Error("the Deployment's selector does not select its pods")
	}
	checkPodSecurity(t, "Deployment", pod)
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !slices.Equal(c.Args, []string{"serve"}) {
		t.Errorf("the server runs %v, want [serve]", c.Args)
	}
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8080 || c.Ports[0].Name != "http" {
		t.Errorf("ports %+v, want http on 8080 (NYTTIG_ADDR)", c.Ports)
	}
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"readiness", c.ReadinessProbe, "/readyz"}, {"liveness", c.LivenessProbe, "/healthz"}, {"startup", c.StartupProbe, "/healthz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port.String() != "http" {
			t.Errorf("the %s probe must GET %s on port http: %+v", p.name, p.path, p.probe)
		}
	}
	if !mounts(c, "/tmp") {
		t.Error("with a read-only root filesystem the server needs a writable /tmp")
	}
	pdb := one[policyv1.PodDisruptionBudget](t, all)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 || !selects(pdb.Spec.Selector, podLabels) {
		t.Errorf("the PodDisruptionBudget must keep minAvailable 1 of the Deployment's pods: %+v", pdb.Spec)
	}
	svc := one[corev1.Service](t, all)
	if !selects(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, podLabels) || len(svc.Spec.Ports) != 1 ||
		svc.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("the Service must send to the Deployment's http port: %+v", svc.Spec)
	}
	ing := one[networkingv1.Ingress](t, all)
	if len(ing.Spec.TLS) == 0 || ing.Spec.TLS[0].SecretName == "" {
		t.Error("the Ingress must terminate TLS")
	}
	for _, r := range ing.Spec.Rules {
		if !slices.Contains(ing.Spec.TLS[0].Hosts, r.Host) {
			t.Errorf("host %s is served without TLS", r.Host)
		}
		for _, p := range r.HTTP.Paths {
			if b := p.Backend.Service; b == nil || b.Name != svc.Name || b.Port.Name != svc.Spec.Ports[0].Name {
				t.Errorf("the Ingress path %s does not lead to Service %s", p.Path, svc.Name)
			}
		}
	}
	cm := one[corev1.ConfigMap](t, all)
	if base := cm.Data["NYTTIG_BASE_URL"]; len(ing.Spec.Rules) == 0 || base != "https://"+ing.Spec.Rules[0].Host {
		t.Errorf("NYTTIG_BASE_URL %q is not the Ingress's https:// host", base)
	}
}

func TestMigrationJob(t *testing.T) {
	all := manifests(t)
	j := one[batchv1.Job](t, all)
	if j.Name != "nyttig-migrate" {
		t.Errorf("the Job is named %s", j.Name)
	}
	pod := j.Spec.Template.Spec
	checkPodSecurity(t, "Job", pod)
	if pod.RestartPolicy != corev1.RestartPolicyNever && pod.RestartPolicy != corev1.RestartPolicyOnFailure {
		t.Errorf("a Job's pods must not restart Always: %s", pod.RestartPolicy)
	}
	d := one[appsv1.Deployment](t, all).Spec.Template.Spec.Containers[0]
	c := pod.Containers[0]
	if !slices.Equal(c.Args, []string{"migrate"}) || c.Image != d.Image {
		t.Errorf("the Job runs %s %v, want the server's image %s with [migrate]", c.Image, c.Args, d.Image)
	}
	if fmt.Sprint(c.EnvFrom) != fmt.Sprint(d.EnvFrom) || len(c.Env) > 0 || len(d.Env) > 0 {
		t.Error("the Job and the Deployment must take their environment from the same ConfigMap and Secret")
	}
}

// TestConfigurationIsComplete checks that the ConfigMap and the example
// Secret together set every variable Nyttig requires, only variables it
// knows, credentials only in the Secret, and values it accepts.
func TestConfigurationIsComplete(t *testing.T) {
	all := manifests(t)
	cm := one[corev1.ConfigMap](t, all)
	secret := one[corev1.Secret](t, all)
	d := one[appsv1.Deployment](t, all).Spec.Template.Spec.Containers[0]
	var refs []string
	for _, e := range d.EnvFrom {
		switch {
		case e.ConfigMapRef != nil:
			refs = append(refs, "ConfigMap/"+e.ConfigMapRef.Name)
		case e.SecretRef != nil:
			refs = append(refs, "Secret/"+e.SecretRef.Name)
		}
	}
	if want := []string{"ConfigMap/" + cm.Name, "Secret/" + secret.Name}; !slices.Equal(refs, want) {
		t.Errorf("the server's environment comes from %v, want %v", refs, want)
	}
	env := map[string]string{}
	for k, v := range cm.Data {
		env[k] = v
	}
	for k, v := range secret.StringData {
		if _, dup := env[k]; dup {
			t.Errorf("%s is in both the ConfigMap and the Secret", k)
		}
		env[k] = v
	}
	for _, name := range []string{"DATABASE_URL", "S3_ACCESS_KEY", "S3_SECRET_KEY"} {
		if _, ok := secret.StringData[name]; !ok {
			t.Errorf("the credential %s belongs in the Secret", name)
		}
		if !strings.Contains(secret.StringData[name], "CHANGE-ME") {
			t.Errorf("the example Secret's %s is not marked as a placeholder", name)
		}
	}
	checkEnv(t, "Kubernetes", env)
}

// checkEnv checks a server environment against config.Vars and
// config.FromEnv: no unknown names, every required one set, all valid.
func checkEnv(t *testing.T, where string, env map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
		t.Setenv(v.Name, "") // FromEnv takes empty for unset
		if strings.Contains(v.Meaning, "(required)") && env[v.Name] == "" {
			t.Errorf("%s: the required %s is not set", where, v.Name)
		}
	}
	for k, v := range env {
		if !known[k] {
			t.Errorf("%s sets %s, which Nyttig does not read (config.Vars)", where, k)
		}
		t.Setenv(k, v)
	}
	if _, err := config.FromEnv("db", "s3"); err != nil {
		t.Errorf("%s: %v", where, err)
	}
}

func checkPodSecurity(t *testing.T, what string, pod corev1.PodSpec) {
	t.Helper()
	if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Errorf("%s: the pod must run as a non-root user", what)
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
			t.Errorf("%s container %s: want readOnlyRootFilesystem, no privilege escalation, all capabilities dropped", what, c.Name)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s container %s: want CPU and memory requests and a memory limit", what, c.Name)
		}
	}
}

func selects(sel *metav1.LabelSelector, labels map[string]string) bool {
	if sel == nil || len(sel.MatchLabels) == 0 {
		return false
	}
	for k, v := range sel.MatchLabels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func mounts(c corev1.Container, path string) bool {
	return slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == path && !m.ReadOnly })
}
