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
	"strconv"
	"strings"
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

// SecureCookies reports whether Nyttig is served over TLS.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func (c Config) String() string {
	return fmt.Sprintf("addr=%s base_url=%s s3=%s/%s", c.Addr, c.BaseURL, c.S3Endpoint, c.S3Bucket)
}
