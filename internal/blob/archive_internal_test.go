package blob

import (
	"path/filepath"
	"testing"
)

// TestObjectPath keeps an object key from naming a file outside the
// archive: MinIO refuses such keys, other S3 servers store them.
func TestObjectPath(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want string // "" when refused
	}{
		{"attachments/1/plan.pdf", "d/objects/attachments/1/plan.pdf"},
		{"letters/7/v1.pdf", "d/objects/letters/7/v1.pdf"},
		{"a/../../escape", ""},
		{"../escape", ""},
		{"/etc/passwd", ""},
		{"folder/", ""},
		{"", ""},
	} {
		got, err := objectPath("d", tc.key)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: accepted as %s", tc.key, got)
			}
			continue
		}
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("%q: %s, %v; want %s", tc.key, got, err, tc.want)
		}
	}
}
