package letter

import "strings"

// Placeholder names a template may use. Page and Pages exist only in the
// page footer.
const (
	phMunicipality     = "Municipality"
	phFund             = "Fund"
	phAddressee        = "Addressee"
	phUnit             = "Unit"
	phCaseNumber       = "CaseNumber"
	phDate             = "Date"
	phApplicationTitle = "ApplicationTitle"
	phRequested        = "Requested"
	phGranted          = "Granted"
	phPeriodStart      = "PeriodStart"
	phPeriodEnd        = "PeriodEnd"
	phReportDeadline   = "ReportDeadline"
	phAcceptDeadline   = "AcceptDeadline"
	phSignerName       = "SignerName"
	phSignerTitle      = "SignerTitle"
	phAppealAddress    = "AppealAddress"
	phPage             = "Page"
	phPages            = "Pages"
)

// letterPlaceholders are the names every text may use.
var letterPlaceholders = []string{
	phMunicipality, phFund, phAddressee, phUnit, phCaseNumber, phDate,
	phApplicationTitle, phRequested, phGranted, phPeriodStart, phPeriodEnd,
	phReportDeadline, phAcceptDeadline, phSignerName, phSignerTitle, phAppealAddress,
}

// placeholders returns the names used in s, in order. When a "{{" does not
// open a well-formed {{.Name}}, it returns the text from there as bad.
func placeholders(s string) (names []string, bad string) {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return names, ""
		}
		name, n, ok := placeholderAt(s[i:])
		if !ok {
			return nil, clip(s[i:], 24)
		}
		names = append(names, name)
		s = s[i+n:]
	}
}

// placeholderAt parses the {{.Name}} at the start of s, returning the name
// and the length consumed. Spaces inside the braces are allowed.
func placeholderAt(s string) (name string, n int, ok bool) {
	end := strings.Index(s, "}}")
	if end < 0 {
		return "", 0, false
	}
	inner := strings.TrimSpace(s[2:end])
	if len(inner) < 2 || inner[0] != '.' {
		return "", 0, false
	}
	for i, c := range inner[1:] {
		letter := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return "", 0, false
		}
	}
	return inner[1:], end + 2, true
}

// expand replaces each {{.Name}} in s by vals[Name] in one pass, so a value
// that itself looks like a placeholder stays literal. s has been validated;
// anything malformed is copied as it is.
func expand(s string, vals map[string]string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		name, n, ok := placeholderAt(s[i:])
		if !ok {
			b.WriteString("{{")
			s = s[i+2:]
			continue
		}
		b.WriteString(vals[name])
		s = s[i+n:]
	}
}

// clip shortens s to at most n runes for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
