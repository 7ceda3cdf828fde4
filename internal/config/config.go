// Package config owns Nyttig's configuration: read once from the
// environment into one struct, validated with messages that say what to fix.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"nyttig/workflow"
)

// Config is everything Nyttig reads from the environment.
type Config struct {
	DatabaseURL string // DATABASE_URL
	S3Endpoint  string // S3_ENDPOINT, host:port
	S3AccessKey string // S3_ACCESS_KEY
	S3SecretKey string // S3_SECRET_KEY
	S3Bucket    string // S3_BUCKET
	S3UseSSL    bool   // S3_USE_SSL
	Addr        string // NYTTIG_ADDR, default :8080
	BaseURL     string // NYTTIG_BASE_URL, default http://localhost:8080
	// MaxFileMiB and MaxApplicationMiB bound attachments
	// (NYTTIG_MAX_FILE_MIB, NYTTIG_MAX_APPLICATION_MIB).
	MaxFileMiB        int64
	MaxApplicationMiB int64
	SMTPAddr          string // NYTTIG_SMTP_ADDR, host:port
	MailFrom          string // NYTTIG_MAIL_FROM
	// DigestHour is the hour (Europe/Oslo) the daily digest is mailed
	// (NYTTIG_DIGEST_HOUR).
	DigestHour int
	// OIDC is single sign-on with OpenID Connect; off when Issuer is "".
	OIDC OIDC
	// PasswordLogin keeps local password login on (NYTTIG_PASSWORD_LOGIN).
	PasswordLogin bool
}

// OIDC is how Nyttig meets the municipality's OpenID Connect provider.
type OIDC struct {
	Issuer       string   // NYTTIG_OIDC_ISSUER
	ClientID     string   // NYTTIG_OIDC_CLIENT_ID
	ClientSecret string   // NYTTIG_OIDC_CLIENT_SECRET
	Scopes       []string // NYTTIG_OIDC_SCOPES, space-separated
	RedirectURL  string   // NYTTIG_OIDC_REDIRECT_URL
	RolesClaim   string   // NYTTIG_OIDC_ROLES_CLAIM
	// RoleMap maps the provider's role values to Nyttig's roles
	// (NYTTIG_OIDC_ROLE_MAP, value=role,...).
	RoleMap   map[string]workflow.Role
	UnitClaim string // NYTTIG_OIDC_UNIT_CLAIM
}

// Vars documents each variable; the README's table is written from it.
var Vars = []struct{ Name, Default, Meaning string }{
	{"DATABASE_URL", "", "PostgreSQL connection URL, e.g. postgres://user@127.0.0.1:5432/nyttig?sslmode=disable (required)"},
	{"S3_ENDPOINT", "", "host:port of the S3-compatible object storage, e.g. 127.0.0.1:9100 (required)"},
	{"S3_ACCESS_KEY", "", "object storage access key (required)"},
	{"S3_SECRET_KEY", "", "object storage secret key (required)"},
	{"S3_BUCKET", "nyttig", "bucket for attachments and letters; created at start when missing"},
	{"S3_USE_SSL", "false", "true to talk HTTPS to the object storage"},
	{"NYTTIG_ADDR", ":8080", "address the HTTP server listens on"},
	{"NYTTIG_BASE_URL", "http://localhost:8080", "the public URL of Nyttig; https:// marks session cookies Secure"},
	{"NYTTIG_MAX_FILE_MIB", "25", "largest attachment, in MiB"},
	{"NYTTIG_MAX_APPLICATION_MIB", "100", "largest total of one application's attachments, in MiB"},
	{"NYTTIG_SMTP_ADDR", "127.0.0.1:1025", "host:port of the SMTP server notifications are mailed through (`make run` uses Mailpit)"},
	{"NYTTIG_MAIL_FROM", "nyttig@localhost", "sender address of Nyttig's mail"},
	{"NYTTIG_DIGEST_HOUR", "7", "hour of the day (Europe/Oslo, 0–23) the daily digest is mailed"},
	{"NYTTIG_OIDC_ISSUER", "", "OpenID Connect issuer URL for single sign-on, e.g. https://login.microsoftonline.com/<tenant>/v2.0; unset: no single sign-on"},
	{"NYTTIG_OIDC_CLIENT_ID", "", "Nyttig's client id at the provider (required with NYTTIG_OIDC_ISSUER)"},
	{"NYTTIG_OIDC_CLIENT_SECRET", "", "Nyttig's client secret at the provider"},
	{"NYTTIG_OIDC_SCOPES", "openid profile email", "scopes asked for, space-separated (openid is always included)"},
	{"NYTTIG_OIDC_REDIRECT_URL", "NYTTIG_BASE_URL + /auth/callback", "the redirect URL registered at the provider"},
	{"NYTTIG_OIDC_ROLES_CLAIM", "roles", "the ID token claim listing the user's roles (Entra ID app roles arrive in roles)"},
	{"NYTTIG_OIDC_ROLE_MAP", "", "provider role values to Nyttig roles, e.g. Nyttig.CaseOfficer=case_officer,Nyttig.Admin=admin; unmapped values are ignored"},
	{"NYTTIG_OIDC_UNIT_CLAIM", "department", "the ID token claim holding the user's organisational unit"},
	{"NYTTIG_PASSWORD_LOGIN", "true", "false switches local password login off (single sign-on only)"},
}

// FromEnv reads and validates the configuration. need lists which groups
// a subcommand requires ("db", "s3").
func FromEnv(need ...string) (Config, error) {
	get := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	c := Config{
		DatabaseURL: get("DATABASE_URL", ""),
		S3Endpoint:  get("S3_ENDPOINT", ""),
		S3AccessKey: get("S3_ACCESS_KEY", ""),
		S3SecretKey: get("S3_SECRET_KEY", ""),
		S3Bucket:    get("S3_BUCKET", "nyttig"),
		Addr:        get("NYTTIG_ADDR", ":8080"),
		BaseURL:     strings.TrimRight(get("NYTTIG_BASE_URL", "http://localhost:8080"), "/"),
		SMTPAddr:    get("NYTTIG_SMTP_ADDR", "127.0.0.1:1025"),
		MailFrom:    get("NYTTIG_MAIL_FROM", "nyttig@localhost"),
	}
	var problems []string
	ssl, err := strconv.ParseBool(get("S3_USE_SSL", "false"))
	if err != nil {
		problems = append(problems, "S3_USE_SSL must be true or false")
	}
	c.S3UseSSL = ssl
	for _, v := range []struct {
		name string
		def  string
		dst  *int64
	}{{"NYTTIG_MAX_FILE_MIB", "25", &c.MaxFileMiB}, {"NYTTIG_MAX_APPLICATION_MIB", "100", &c.MaxApplicationMiB}} {
		n, err := strconv.ParseInt(get(v.name, v.def), 10, 64)
		if err != nil || n < 1 || n > 1<<20 {
			problems = append(problems, v.name+" must be a whole number of MiB between 1 and 1048576")
		}
		*v.dst = n
	}
	hour, err := strconv.Atoi(get("NYTTIG_DIGEST_HOUR", "7"))
	if err != nil || hour < 0 || hour > 23 {
		problems = append(problems, "NYTTIG_DIGEST_HOUR must be a whole hour between 0 and 23")
	}
	c.DigestHour = hour
	if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
		problems = append(problems, "NYTTIG_SMTP_ADDR must be host:port, e.g. 127.0.0.1:1025")
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Name != "" {
		problems = append(problems, "NYTTIG_MAIL_FROM must be a plain email address, e.g. nyttig@kommune.no")
	}
	pw, err := strconv.ParseBool(get("NYTTIG_PASSWORD_LOGIN", "true"))
	if err != nil {
		problems = append(problems, "NYTTIG_PASSWORD_LOGIN must be true or false")
	}
	c.PasswordLogin = pw
	problems = append(problems, c.readOIDC(get)...)
	if c.MaxApplicationMiB < c.MaxFileMiB {
		problems = append(problems, "NYTTIG_MAX_APPLICATION_MIB must be at least NYTTIG_MAX_FILE_MIB")
	}
	for _, group := range need {
		switch group {
		case "db":
			if c.DatabaseURL == "" {
				problems = append(problems, "DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/nyttig?sslmode=disable; `make run` sets it for you)")
			} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				problems = append(problems, "DATABASE_URL must be a postgres:// URL")
			}
		case "s3":
			for _, v := range []struct{ name, val string }{{"S3_ENDPOINT", c.S3Endpoint}, {"S3_ACCESS_KEY", c.S3AccessKey}, {"S3_SECRET_KEY", c.S3SecretKey}} {
				if v.val == "" {
					problems = append(problems, v.name+" is not set (`make run` sets it for you)")
				}
			}
			if strings.Contains(c.S3Endpoint, "://") || strings.Contains(c.S3Endpoint, "/") {
				problems = append(problems, "S3_ENDPOINT must be host:port without a scheme or path (use S3_USE_SSL for https)")
			}
			if len(c.S3Bucket) < 3 || len(c.S3Bucket) > 63 || strings.ToLower(c.S3Bucket) != c.S3Bucket {
				problems = append(problems, "S3_BUCKET must be 3–63 lowercase characters")
			}
		}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, "NYTTIG_BASE_URL must be an http:// or https:// URL")
	}
	if len(problems) > 0 {
		return c, errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

// readOIDC reads the single sign-on variables and says what is wrong with them.
func (c *Config) readOIDC(get func(name, def string) string) []string {
	o := OIDC{
		Issuer:       strings.TrimRight(get("NYTTIG_OIDC_ISSUER", ""), "/"),
		ClientID:     get("NYTTIG_OIDC_CLIENT_ID", ""),
		ClientSecret: get("NYTTIG_OIDC_CLIENT_SECRET", ""),
		RedirectURL:  get("NYTTIG_OIDC_REDIRECT_URL", c.BaseURL+"/auth/callback"),
		RolesClaim:   get("NYTTIG_OIDC_ROLES_CLAIM", "roles"),
		UnitClaim:    get("NYTTIG_OIDC_UNIT_CLAIM", "department"),
		Scopes:       []string{"openid"},
		RoleMap:      map[string]workflow.Role{},
	}
	for _, sc := range strings.Fields(get("NYTTIG_OIDC_SCOPES", "openid profile email")) {
		if !slices.Contains(o.Scopes, sc) {
			o.Scopes = append(o.Scopes, sc)
		}
	}
	var problems []string
	for _, pair := range strings.Split(get("NYTTIG_OIDC_ROLE_MAP", ""), ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		from, role := strings.TrimSpace(from), workflow.Role(strings.TrimSpace(to))
		if !ok || from == "" || !workflow.ValidRole(role) {
			problems = append(problems, fmt.Sprintf("NYTTIG_OIDC_ROLE_MAP: %q must be value=role, with role one of %v", strings.TrimSpace(pair), workflow.Roles))
			continue
		}
		o.RoleMap[from] = role
	}
	c.OIDC = o
	if o.Issuer == "" {
		if o.ClientID != "" {
			problems = append(problems, "NYTTIG_OIDC_CLIENT_ID is set but NYTTIG_OIDC_ISSUER is not")
		}
		if !c.PasswordLogin {
			problems = append(problems, "NYTTIG_PASSWORD_LOGIN=false needs single sign-on (NYTTIG_OIDC_ISSUER), or nobody can log in")
		}
		return problems
	}
	if u, err := url.Parse(o.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, "NYTTIG_OIDC_ISSUER must be an https:// URL")
	}
	if o.ClientID == "" {
		problems = append(problems, "NYTTIG_OIDC_CLIENT_ID is not set (Nyttig's client id at the provider)")
	}
	if u, err := url.Parse(o.RedirectURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, "NYTTIG_OIDC_REDIRECT_URL must be an http:// or https:// URL")
	}
	return problems
}

// SSOEnabled reports whether single sign-on is configured.
func (c Config) SSOEnabled() bool { return c.OIDC.Issuer != "" }

// SecureCookies reports whether Nyttig is served over TLS.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func (c Config) String() string {
	return fmt.Sprintf("addr=%s base_url=%s s3=%s/%s", c.Addr, c.BaseURL, c.S3Endpoint, c.S3Bucket)
}
