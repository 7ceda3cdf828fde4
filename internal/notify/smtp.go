package notify

import (
	"fmt"
	"net/smtp"
)

// Sender delivers mail over SMTP.
type Sender struct {
	Addr string // host:port
	From string
}

// Send delivers m. An error means it may or may not have arrived; the
// caller tries again, and m's Message-ID lets a mail client tell a rare
// duplicate.
func (s Sender) Send(m Mail) error {
	msg, err := m.Bytes(s.From)
	if err != nil {
		return err
	}
	if err := smtp.SendMail(s.Addr, nil, s.From, []string{m.To}, msg); err != nil {
		return fmt.Errorf("send mail to %s over %s: %w", m.To, s.Addr, err)
	}
	return nil
}
