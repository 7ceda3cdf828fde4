package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"nyttig/workflow"
)

func runWorkflow(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("workflow", "workflow mermaid [application|payout|clawback|report]\n\nPrints a lifecycle as a Mermaid state diagram; the application's is the README's.", stderr)
	if len(args) == 0 || args[0] != "mermaid" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	which := "application"
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		which, args = args[1], args[1:]
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	lifecycles := map[string]struct {
		lc      *workflow.Lifecycle
		initial workflow.State
	}{
		"application": {workflow.Application, workflow.Draft},
		"payout":      {workflow.Payout, workflow.PayoutPlanned},
		"clawback":    {workflow.Clawback, workflow.ClawbackRaised},
		"report":      {workflow.Report, workflow.ReportDraft},
	}
	l, ok := lifecycles[which]
	if !ok {
		fs.Usage()
		return errUsage
	}
	fmt.Fprint(stdout, l.lc.Mermaid(l.initial))
	return nil
}
