package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"nyttig/workflow"
)

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		need    []string
		wantErr string
	}{
		{"all set", map[string]string{"DATABASE_URL": "postgres://u@h/db", "S3_ENDPOINT": "127.0.0.1:9100", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b"}, []string{"db", "s3"}, ""},
		{"database missing", map[string]string{}, []string{"db"}, "DATABASE_URL is not set"},
		{"database not postgres", map[string]string{"DATABASE_URL": "mysql://x"}, []string{"db"}, "postgres://"},
		{"s3 with scheme", map[string]string{"S3_ENDPOINT": "http://h:9000", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b"}, []string{"s3"}, "without a scheme"},
		{"s3 keys missing", map[string]string{"S3_ENDPOINT": "h:9000"}, []string{"s3"}, "S3_ACCESS_KEY is not set"},
		{"bad bool", map[string]string{"S3_USE_SSL": "yes please"}, nil, "S3_USE_SSL"},
		{"bad base url", map[string]string{"NYTTIG_BASE_URL": "localhost"}, nil, "NYTTIG_BASE_URL"},
		{"bad limit", map[string]string{"NYTTIG_MAX_FILE_MIB": "0"}, nil, "NYTTIG_MAX_FILE_MIB"},
		{"limits inverted", map[string]string{"NYTTIG_MAX_FILE_MIB": "50", "NYTTIG_MAX_APPLICATION_MIB": "10"}, nil, "at least"},
		{"password login off without sso", map[string]string{"NYTTIG_PASSWORD_LOGIN": "false"}, nil, "nobody can log in"},
		{"password login not a bool", map[string]string{"NYTTIG_PASSWORD_LOGIN": "av"}, nil, "NYTTIG_PASSWORD_LOGIN must be"},
		{"sso without client id", map[string]string{"NYTTIG_OIDC_ISSUER": "https://login.example.no"}, nil, "NYTTIG_OIDC_CLIENT_ID is not set"},
		{"client id without issuer", map[string]string{"NYTTIG_OIDC_CLIENT_ID": "nyttig"}, nil, "NYTTIG_OIDC_ISSUER is not"},
		{"sso issuer not a url", map[string]string{"NYTTIG_OIDC_ISSUER": "login.example.no", "NYTTIG_OIDC_CLIENT_ID": "n"}, nil, "NYTTIG_OIDC_ISSUER must be"},
		{"role map to an unknown role", map[string]string{"NYTTIG_OIDC_ISSUER": "https://login.example.no", "NYTTIG_OIDC_CLIENT_ID": "n",
			"NYTTIG_OIDC_ROLE_MAP": "Nyttig.Admin=admin,Nyttig.Boss=boss"}, nil, `"Nyttig.Boss=boss" must be value=role`},
		{"role map without =", map[string]string{"NYTTIG_OIDC_ISSUER": "https://login.example.no", "NYTTIG_OIDC_CLIENT_ID": "n",
			"NYTTIG_OIDC_ROLE_MAP": "Nyttig.Admin"}, nil, "must be value=role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range Vars {
				t.Setenv(v.Name, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := FromEnv(tc.need...)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v, want an error naming %q", err, tc.wantErr)
			case tc.wantErr == "" && (c.Addr != ":8080" || c.S3Bucket != "nyttig" || c.MaxFileMiB != 25 || c.MaxApplicationMiB != 100 || !c.PasswordLogin || c.SSOEnabled()):
				t.Fatalf("defaults not applied: %+v", c)
			}
		})
	}
}

func TestSSOConfig(t *testing.T) {
	for _, v := range Vars {
		t.Setenv(v.Name, "")
	}
	t.Setenv("NYTTIG_BASE_URL", "https://nyttig.sandnes.kommune.no/")
	t.Setenv("NYTTIG_OIDC_ISSUER", "https://login.microsoftonline.com/tenant/v2.0/")
	t.Setenv("NYTTIG_OIDC_CLIENT_ID", "app-id")
	t.Setenv("NYTTIG_OIDC_SCOPES", "profile email offline_access")
	t.Setenv("NYTTIG_OIDC_ROLE_MAP", " Nyttig.CaseOfficer = case_officer , Nyttig.Admin=admin,")
	t.Setenv("NYTTIG_PASSWORD_LOGIN", "false")
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	o := c.OIDC
	want := OIDC{Issuer: "https://login.microsoftonline.com/tenant/v2.0", ClientID: "app-id",
		Scopes:      []string{"openid", "profile", "email", "offline_access"},
		RedirectURL: "https://nyttig.sandnes.kommune.no/auth/callback", RolesClaim: "roles", UnitClaim: "department",
		RoleMap: map[string]workflow.Role{"Nyttig.CaseOfficer": workflow.CaseOfficer, "Nyttig.Admin": workflow.Admin}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("OIDC config (-want +got):\n%s", diff)
	}
	if !c.SSOEnabled() || c.PasswordLogin {
		t.Errorf("SSOEnabled %v, PasswordLogin %v: want single sign-on on, password login off", c.SSOEnabled(), c.PasswordLogin)
	}
}
