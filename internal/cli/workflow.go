package cli

import (
	"context"
	"fmt"
	"io"

	"nyttig/workflow"
)

func runWorkflow(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("workflow", "workflow mermaid\n\nPrints the application lifecycle as a Mermaid state diagram (the README's).", stderr)
	if len(args) == 0 || args[0] != "mermaid" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	fmt.Fprint(stdout, workflow.Application.Mermaid(workflow.Draft))
	return nil
}
