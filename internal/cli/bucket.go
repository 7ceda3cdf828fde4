package cli

import (
	"context"
	"fmt"
	"io"

	"nyttig/internal/blob"
	"nyttig/internal/config"
)

// runBucket copies the bucket to a directory and back, for backups
// (deploy/backup.sh, deploy/restore.sh, docs/operations.md) where no S3
// client such as mc is at hand.
func runBucket(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	synopsis := "bucket export DIR | bucket import DIR\n\n" +
		"export copies every object of S3_BUCKET into DIR (which must be empty), with a\n" +
		"manifest of sizes and SHA-256 sums; import checks each file against the manifest\n" +
		"and uploads it into S3_BUCKET, which must be empty (it is created when missing)."
	fs := newFlags("bucket", synopsis, stderr)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fs.Usage()
		return nil
	}
	if len(args) != 2 || (args[0] != "export" && args[0] != "import") {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.FromEnv("s3")
	if err != nil {
		return err
	}
	b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, cfg.S3Bucket, cfg.S3UseSSL)
	if err != nil {
		return err
	}
	if args[0] == "export" {
		n, err := b.Export(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported %d objects from bucket %s to %s\n", n, cfg.S3Bucket, args[1])
		return nil
	}
	n, err := b.Import(ctx, args[1])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d objects from %s into bucket %s\n", n, args[1], cfg.S3Bucket)
	return nil
}
