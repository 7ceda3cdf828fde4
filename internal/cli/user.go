package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"nyttig/internal/auth"
	"nyttig/internal/config"
	"nyttig/internal/i18n"
	"nyttig/internal/store"
	"nyttig/workflow"
)

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fs := newFlags("user", "user add --email E --name N --role R [--role R2] [--unit U] [--password P] [--language nb|en]", stderr)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	roleNames := make([]string, len(workflow.Roles))
	for i, r := range workflow.Roles {
		roleNames[i] = string(r)
	}
	fs := newFlags("user add", "user add --email E --name N --role R [flags]\n\nCreates a user and prints a new API token as the last line of output.", stderr)
	email := fs.String("email", "", "email address (required; the login name)")
	name := fs.String("name", "", "full name (required)")
	unit := fs.String("unit", "", "organisational unit, e.g. \"Helse og velferd\"")
	password := fs.String("password", "", "password for the web login (at least 10 characters); none: token only")
	lang := fs.String("language", "nb", "language of the pages and mail: nb or en")
	var roles listFlag
	fs.Var(&roles, "role", "role, repeatable or comma-separated: "+strings.Join(roleNames, ", "))
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var problems []string
	if strings.TrimSpace(*email) == "" || !strings.Contains(*email, "@") {
		problems = append(problems, "--email must be an email address")
	}
	if strings.TrimSpace(*name) == "" {
		problems = append(problems, "--name is required")
	}
	if len(roles) == 0 {
		problems = append(problems, "give at least one --role")
	}
	var rs []workflow.Role
	for _, r := range roles {
		if !workflow.ValidRole(workflow.Role(r)) {
			problems = append(problems, fmt.Sprintf("unknown role %q (one of %s)", r, strings.Join(roleNames, ", ")))
		}
		rs = append(rs, workflow.Role(r))
	}
	if *lang != "nb" && *lang != "en" {
		problems = append(problems, "--language must be nb or en")
	}
	var hash string
	if *password != "" {
		h, err := auth.HashPassword(*password)
		if err != nil {
			problems = append(problems, "--password: "+err.Error())
		}
		hash = h
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		return errUsage
	}
	cfg, err := config.FromEnv("db")
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := migrate(ctx, st); err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, store.NewUser{Email: *email, Name: *name, Unit: *unit, Language: i18n.Lang(*lang), PasswordHash: hash, Roles: rs})
	if err != nil {
		return err
	}
	token := auth.NewToken()
	if err := st.AddToken(ctx, u.ID, token); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %d %s (%s) with roles %s\napi token (shown once):\n%s\n", u.ID, u.Email, u.Name, roles.String(), token)
	return nil
}
