package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"nyttig/internal/i18n"
)

// Mail is one email to one person: a single notification, or a digest of
// several grouped by kind.
type Mail struct {
	To      string
	ToName  string
	Lang    i18n.Lang
	Items   []Item
	Digest  bool
	BaseURL string // where the links point, without a trailing slash
	// MessageID makes a redelivered mail recognisable as the same one.
	MessageID string
	Date      time.Time
}

// Subject is the mail's subject line.
func (m Mail) Subject() string {
	if m.Digest {
		return i18n.Tf("Nyttig: %d nye varsler", "Nyttig: %d new notifications", len(m.Items)).In(m.Lang)
	}
	return "Nyttig: " + m.Items[0].Headline().In(m.Lang)
}

// group is the items of one kind, for the digest.
type group struct {
	Label string
	Lines []line
}

type line struct {
	Headline, Action, URL string
}

// groups orders the items by kind, in the order of Kinds, oldest first
// within a kind.
func (m Mail) groups() []group {
	var out []group
	for _, k := range Kinds {
		var g group
		for _, it := range m.Items {
			if it.Kind == k {
				g.Lines = append(g.Lines, line{it.Headline().In(m.Lang), it.Action().In(m.Lang), m.BaseURL + it.Path()})
			}
		}
		if len(g.Lines) > 0 {
			g.Label = k.Label().In(m.Lang)
			out = append(out, g)
		}
	}
	return out
}

type mailView struct {
	Greeting, Intro, Footer, Open string
	Groups                        []group
	Digest                        bool
}

func (m Mail) view() mailView {
	v := mailView{
		Greeting: i18n.Tf("Hei, %s.", "Hello %s,", m.ToName).In(m.Lang),
		Intro:    i18n.T("Du har fått et nytt varsel i Nyttig.", "You have a new notification in Nyttig.").In(m.Lang),
		Open:     i18n.T("Åpne i Nyttig", "Open in Nyttig").In(m.Lang),
		Footer: i18n.Tf("Du får denne e-posten fordi du bruker Nyttig. Velg hvilke varsler du får på e-post: %s/settings/notifications",
			"You get this email because you use Nyttig. Choose which notifications you get by email: %s/settings/notifications", m.BaseURL).In(m.Lang),
		Groups: m.groups(),
		Digest: m.Digest,
	}
	if m.Digest {
		v.Intro = i18n.T("Her er varslene dine fra det siste døgnet.", "Here are your notifications from the last day.").In(m.Lang)
	}
	return v
}

var textBody = texttemplate.Must(texttemplate.New("text").Parse(`{{.Greeting}}

{{.Intro}}
{{range .Groups}}{{if $.Digest}}
== {{.Label}} ==
{{end}}{{range .Lines}}
{{.Headline}}
{{.Action}}
{{$.Open}}: {{.URL}}
{{end}}{{end}}
--
{{.Footer}}
`))

var htmlBody = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.4; color: #1a1a1a">
<p>{{.V.Greeting}}</p>
<p>{{.V.Intro}}</p>
{{range .V.Groups}}{{if $.V.Digest}}<h2 style="font-size: 1.1em">{{.Label}}</h2>{{end}}
{{range .Lines}}<p><strong>{{.Headline}}</strong><br>{{.Action}}<br><a href="{{.URL}}">{{$.V.Open}}</a></p>
{{end}}{{end}}
<hr><p style="font-size: 0.9em">{{.V.Footer}}</p>
</body></html>
`))

// Bytes renders the mail as an RFC 5322 message with a plain-text and an
// HTML alternative, both UTF-8 and quoted-printable.
func (m Mail) Bytes(from string) ([]byte, error) {
	if len(m.Items) == 0 {
		return nil, fmt.Errorf("notify: a mail needs at least one item")
	}
	v := m.view()
	var text, html bytes.Buffer
	if err := textBody.Execute(&text, v); err != nil {
		return nil, err
	}
	if err := htmlBody.Execute(&html, struct {
		Lang    i18n.Lang
		Subject string
		V       mailView
	}{m.Lang, m.Subject(), v}); err != nil {
		return nil, err
	}
	var msg bytes.Buffer
	body := multipart.NewWriter(&msg)
	hdr := []string{
		"From: " + from,
		"To: " + addressHeader(m.ToName, m.To),
		"Subject: " + mime.QEncoding.Encode("utf-8", m.Subject()),
		"Date: " + m.Date.Format(time.RFC1123Z),
		"Message-ID: <" + m.MessageID + ">",
		"Content-Language: " + string(m.Lang),
		"Auto-Submitted: auto-generated",
		"MIME-Version: 1.0",
		"Content-Type: multipart/alternative; boundary=" + body.Boundary(),
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(hdr, "\r\n") + "\r\n\r\n")
	for _, part := range []struct {
		ctype string
		data  []byte
	}{{"text/plain; charset=utf-8", text.Bytes()}, {"text/html; charset=utf-8", html.Bytes()}} {
		w, err := body.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write(crlf(part.data)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := body.Close(); err != nil {
		return nil, err
	}
	out.Write(msg.Bytes())
	return out.Bytes(), nil
}

// addressHeader is name and address as a header value. net/mail leaves a
// backslash bare in a Q-encoded name ("Kåre \ x" becomes
// "=?utf-8?q?K=C3=A5re_\_x?="), which mail readers, net/mail among them,
// cannot parse; such a name is B-encoded instead.
func addressHeader(name, address string) string {
	a := (&mail.Address{Name: name, Address: address}).String()
	if _, err := mail.ParseAddress(a); err == nil {
		return a
	}
	if b := mime.BEncoding.Encode("utf-8", name); b != name {
		return b + " <" + address + ">"
	}
	return a
}

// crlf turns the templates' line ends into the CRLF mail wants.
func crlf(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// SortItems orders items oldest first, as a digest lists them.
func SortItems(items []Item) {
	slices.SortFunc(items, func(a, b Item) int { return a.CreatedAt.Compare(b.CreatedAt) })
}
