package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/grants"
	"nyttig/internal/store"
)

func runLetter(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("letter", "letter render --application ID -o FILE\n\nWrites the letter of a decided application (the latest stored version),\nor the draft preview of an undecided one.", stderr)
	if len(args) == 0 || args[0] != "render" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	id := fs.Int64("application", 0, "the application's id (required)")
	out := fs.String("o", "", "the PDF file to write (required; - for standard output)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *id <= 0 || *out == "" {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, cfg.S3Bucket, cfg.S3UseSSL)
	if err != nil {
		return err
	}
	pdf, what, err := grants.New(st, blobs).LetterForOperator(ctx, *id)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(pdf)
		return err
	}
	if err := os.WriteFile(*out, pdf, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (%s, %d bytes)\n", *out, what, len(pdf))
	return nil
}
