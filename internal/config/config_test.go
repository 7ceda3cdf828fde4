package config

import (
	"strings"
	"testing"
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
			case tc.wantErr == "" && (c.Addr != ":8080" || c.S3Bucket != "nyttig" || c.MaxFileMiB != 25 || c.MaxApplicationMiB != 100):
				t.Fatalf("defaults not applied: %+v", c)
			}
		})
	}
}
