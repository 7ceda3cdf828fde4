package testenv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// MailServer is the real SMTP server the tests send mail through
// (Mailpit, started by deploy/dev/services.sh), and its HTTP API that
// reads the mail back.
type MailServer struct {
	SMTPAddr string
	URL      string
}

// Mail returns the mail server; its address comes from NYTTIG_SMTP_ADDR
// and NYTTIG_MAILPIT_URL (`make test` sets both).
func Mail(t testing.TB) MailServer {
	t.Helper()
	m := MailServer{SMTPAddr: os.Getenv("NYTTIG_SMTP_ADDR"), URL: strings.TrimRight(os.Getenv("NYTTIG_MAILPIT_URL"), "/")}
	if m.SMTPAddr == "" || m.URL == "" {
		t.Fatal("testenv: NYTTIG_SMTP_ADDR and NYTTIG_MAILPIT_URL are not set; run the tests with `make test`")
	}
	return m
}

// Message is one delivered mail as Mailpit parsed it.
type Message struct {
	ID        string
	MessageID string
	Subject   string
	Text      string
	HTML      string
	To        []struct{ Name, Address string }
}

// To returns every mail delivered to address, oldest first. Addresses
// made with Unique keep tests apart.
func (m MailServer) To(t testing.TB, address string) []Message {
	t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	q := url.Values{"query": {"to:" + address}, "limit": {"1000"}}
	m.get(t, "/api/v1/search?"+q.Encode(), &list)
	var out []Message
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var msg Message
		m.get(t, "/api/v1/message/"+list.Messages[i].ID, &msg)
		for _, to := range msg.To {
			if strings.EqualFold(to.Address, address) { // the search matches substrings
				out = append(out, msg)
				break
			}
		}
	}
	return out
}

func (m MailServer) get(t testing.TB, path string, v any) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(m.URL + path)
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(fmt.Errorf("mailpit: %s: %w", path, err))
	}
}
