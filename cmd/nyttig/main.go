// Command nyttig runs the Nyttig grant system: the web server and its
// operational subcommands. See `nyttig --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"nyttig/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
