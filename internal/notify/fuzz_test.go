package notify

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"nyttig/internal/i18n"
)

// mailTags are the only elements the HTML part may hold: whatever a title
// or a name says must come out as text.
var mailTags = []string{"html", "head", "meta", "title", "body", "p", "h2", "strong", "br", "a", "hr"}

// mailHeaders are the only header fields a mail may have: a title or name
// must never add one.
var mailHeaders = []string{"From", "To", "Subject", "Date", "Message-Id", "Content-Language", "Auto-Submitted",
	"Mime-Version", "Content-Type"}

// FuzzMail renders a notification, and a digest of two, with any title,
// case number, name and due date: never a panic, always a mail that parses
// with exactly Nyttig's header fields and the subject it should have, and
// an HTML part where people's text is text, never markup.
func FuzzMail(f *testing.F) {
	for _, s := range [][4]string{
		{"Digital tilsynsrunde", "2026/0042", "Kari Nordmann", "2026-12-01"},
		{"<script>alert(1)</script>", "2026/0001", `"><img src=x onerror=alert(1)>`, ""},
		{"</strong></p><script>x</script>", "<b>", "Ola\r\nBcc: evil@example.com", "<i>"},
		{"Tittel\r\nBcc: evil@example.com\r\n\r\n<html>", "2026/0002\r\nX-Evil: 1", "=?utf-8?q?=3Cscript=3E?=", "2026-02-30"},
		{"javascript:alert(1)", "{{.Greeting}}", "%s %d %!", "{{template}}"},
		{strings.Repeat("Søknadsbehandlingsrutine ", 40), "", "Áilu Čađđa", "garbage\x00"},
		{"bl\xe5b\xe6r \x00\x1b[31m", "\u202e", "\xff", "\u2028"},
	} {
		f.Add(s[0], s[1], s[2], s[3], uint8(0))
	}
	f.Fuzz(func(t *testing.T, title, caseNumber, name, due string, kind uint8) {
		k := Kinds[int(kind)%len(Kinds)]
		item := Item{ID: 1, Kind: k, ApplicationID: 7, ReportID: 3, PayoutID: 5, CaseNumber: caseNumber, Title: title,
			Params: Params{Due: due, Step: StepOverdue, Outcome: "approved"}, CreatedAt: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
		other := item
		other.Kind, other.Title = Kinds[(int(kind)+1)%len(Kinds)], name
		for _, m := range []Mail{
			{To: "kari@example.no", ToName: name, Lang: i18n.NB, Items: []Item{item}, BaseURL: "https://nyttig.example.no",
				MessageID: "1@nyttig", Date: item.CreatedAt},
			{To: "kari@example.no", ToName: name, Lang: i18n.EN, Items: []Item{item, other}, Digest: true,
				BaseURL: "https://nyttig.example.no", MessageID: "2@nyttig", Date: item.CreatedAt},
		} {
			checkMail(t, m)
		}
	})
}

func checkMail(t *testing.T, m Mail) {
	t.Helper()
	raw, err := m.Bytes("Nyttig <nyttig@example.no>")
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the mail does not parse: %v\n%s", err, raw)
	}
	for key := range msg.Header {
		if !slices.Contains(mailHeaders, key) {
			t.Fatalf("the mail has the header field %q:\n%s", key, raw)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	// Blanks at the end of a header line are not the sender's to keep.
	if err != nil || strings.TrimRight(subject, " \t") != strings.TrimRight(m.Subject(), " \t") {
		t.Fatalf("the subject decodes to %q, %v; want %q", subject, err, m.Subject())
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Address != m.To {
		t.Fatalf("To: %q parses as %v, %v", msg.Header.Get("To"), to, err)
	}
	// A name a person could have comes back as it was.
	if utf8.ValidString(m.ToName) && !strings.ContainsFunc(m.ToName, unicode.IsControl) &&
		strings.TrimSpace(m.ToName) == m.ToName && !strings.Contains(m.ToName, "  ") && to.Name != m.ToName {
		t.Fatalf("To: %q names %q, want %q", msg.Header.Get("To"), to.Name, m.ToName)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the mail's parts: %v", err)
		}
		// The multipart reader undoes the quoted-printable encoding.
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("a part is not quoted-printable: %v", err)
		}
		ctype := p.Header.Get("Content-Type")
		types = append(types, ctype)
		if strings.HasPrefix(ctype, "text/html") {
			checkMailHTML(t, body)
		}
	}
	if len(types) != 2 {
		t.Fatalf("the mail has the parts %q, want plain text and HTML", types)
	}
}

// checkMailHTML fails when the HTML holds an element or attribute the
// template does not write, or a link that is not Nyttig's.
func checkMailHTML(t *testing.T, body []byte) {
	t.Helper()
	if bytes.Contains(bytes.ToLower(body), []byte("<script")) {
		t.Fatalf("the HTML part holds <script:\n%s", body)
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		tok := z.Token()
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		if !slices.Contains(mailTags, tok.Data) {
			t.Fatalf("the HTML part holds the element %q:\n%s", tok.Data, body)
		}
		for _, a := range tok.Attr {
			switch {
			case a.Key == "href" && !strings.HasPrefix(a.Val, "https://nyttig.example.no/"):
				t.Fatalf("a link to %q:\n%s", a.Val, body)
			case a.Key != "href" && a.Key != "lang" && a.Key != "charset" && a.Key != "style":
				t.Fatalf("the HTML part holds the attribute %q:\n%s", a.Key, body)
			}
		}
	}
}
