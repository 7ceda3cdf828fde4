package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"nyttig/workflow"
)

// client is one simulated API client; it runs one application at a time.
type client struct {
	cfg   Config
	id    int
	token string
	pdf   []byte
	res   Result
}

// request is one API request, sent again byte for byte on a retry.
type request struct {
	method, path, key, contentType string
	body                           []byte
}

type answer struct {
	status   int
	body     []byte
	replayed bool // Idempotent-Replayed: true
}

func (a answer) ok() bool { return a.status >= 200 && a.status < 300 }

// errGaveUp is returned when a request got no usable answer within RetryFor
// or before the context ended.
var errGaveUp = errors.New("loadgen: no answer")

// application carries application n of the client from creation to
// submission.
func (c *client) application(ctx context.Context, n int) error {
	title := fmt.Sprintf("%s k%d-%d", c.cfg.Label, c.id, n)
	key := func(op Op) string { return fmt.Sprintf("%s-k%d-%d-%s", c.cfg.Label, c.id, n, op) }

	draft, _ := json.Marshal(map[string]any{"call_id": c.cfg.CallID, "title": title})
	// A retry of the creation is answered with the application even when
	// the first response was lost, so there is nothing to read back.
	created, err := c.step(ctx, OpCreate, title, request{method: "POST", path: "/api/v1/applications", key: key(OpCreate),
		contentType: "application/json", body: draft}, nil)
	if err != nil {
		return err
	}
	id := created.ApplicationID
	appPath := "/api/v1/applications/" + strconv.FormatInt(id, 10)

	fields, _ := json.Marshal(Fields(c.cfg.CallID, title))
	if _, err := c.step(ctx, OpFill, title, request{method: "PATCH", path: appPath, contentType: "application/json", body: fields}, nil); err != nil {
		return err
	}

	if c.pdf != nil {
		name := fmt.Sprintf("plan-k%d-%d.pdf", c.id, n)
		body, ctype := multipartFile(name, c.pdf)
		if _, err := c.step(ctx, OpAttach, title, request{method: "POST", path: appPath + "/attachments", key: key(OpAttach),
			contentType: ctype, body: body}, func() (Ack, bool, error) { return c.findAttachment(ctx, id, name) }); err != nil {
			return err
		}
	}

	_, err = c.step(ctx, OpSubmit, title, request{method: "POST", path: appPath + "/events/submit", key: key(OpSubmit)},
		func() (Ack, bool, error) {
			a, err := c.getApplication(ctx, id)
			return a, err == nil && a.State != workflow.Draft, err
		})
	return err
}

// step sends q and records its acknowledgement. On 409 to a request with
// an Idempotency-Key, recover, when given, reads back whether the effect
// happened; without it the request is sent again while the server answers
// 409 (see settle).
func (c *client) step(ctx context.Context, op Op, title string, q request, recover func() (Ack, bool, error)) (Ack, error) {
	ans, err := c.send(ctx, q)
	if err == nil && ans.status == http.StatusConflict && q.key != "" && recover == nil {
		ans, err = c.settle(ctx, q)
	}
	if err != nil {
		return Ack{}, fmt.Errorf("%s %q: %w", op, title, err)
	}
	if ans.ok() {
		var body struct {
			ID            int64          `json:"id"`
			ApplicationID int64          `json:"application_id"`
			State         workflow.State `json:"state"`
		}
		if err := json.Unmarshal(ans.body, &body); err != nil {
			return Ack{}, fmt.Errorf("%s %q: %d with a body that is not JSON: %w", op, title, ans.status, err)
		}
		a := Ack{Op: op, Key: q.key, Title: title, ApplicationID: body.ID, State: body.State, Status: ans.status,
			Replayed: ans.replayed}
		if op == OpAttach {
			a.ApplicationID, a.AttachmentID = body.ApplicationID, body.ID
		}
		c.res.Acked = append(c.res.Acked, a)
		return a, nil
	}
	if ans.status == http.StatusConflict && q.key != "" && recover != nil {
		a, found, err := recover()
		if err != nil {
			return Ack{}, fmt.Errorf("%s %q: 409, then reading it back: %w", op, title, err)
		}
		if found {
			a.Op, a.Key, a.Title = op, q.key, title
			c.res.Recovered = append(c.res.Recovered, a)
			return a, nil
		}
	}
	return Ack{}, fmt.Errorf("%s %q: %d %s", op, title, ans.status, bytes.TrimSpace(ans.body))
}

// settle sends q again, within RetryFor, while the server answers 409: the
// key is held by an earlier attempt that may still be running. Once that
// attempt's effect has committed the server answers from it (replayed);
// if it died uncommitted, the key is free again and q runs afresh. A 409
// that outlasts RetryFor is returned as it is.
func (c *client) settle(ctx context.Context, q request) (answer, error) {
	giveUp := time.Now().Add(c.cfg.RetryFor)
	backoff := 20 * time.Millisecond
	for {
		wait := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			wait.Stop()
			return answer{}, fmt.Errorf("%w: %v", errGaveUp, ctx.Err())
		case <-wait.C:
		}
		ans, err := c.send(ctx, q)
		if err != nil || ans.status != http.StatusConflict || time.Now().After(giveUp) {
			return ans, err
		}
		backoff = min(2*backoff, time.Second)
	}
}

// send sends q until the server answers something other than 502, 503 or
// 504, RetryFor passes, or ctx ends.
func (c *client) send(ctx context.Context, q request) (answer, error) {
	giveUp := time.Now().Add(c.cfg.RetryFor)
	backoff := 20 * time.Millisecond
	for {
		ans, err := c.once(ctx, q)
		if err == nil && ans.status != http.StatusBadGateway && ans.status != http.StatusServiceUnavailable &&
			ans.status != http.StatusGatewayTimeout {
			return ans, nil
		}
		if ctx.Err() != nil || time.Now().After(giveUp) {
			if err == nil {
				err = fmt.Errorf("still %d", ans.status)
			}
			return ans, fmt.Errorf("%w after %s: %v", errGaveUp, c.cfg.RetryFor, err)
		}
		wait := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			wait.Stop()
		case <-wait.C:
		}
		backoff = min(2*backoff, time.Second)
	}
}

// once sends q one time and counts the outcome.
func (c *client) once(ctx context.Context, q request) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, q.method, c.cfg.BaseURL+q.path, bytes.NewReader(q.body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept-Language", "en")
	if q.contentType != "" {
		req.Header.Set("Content-Type", q.contentType)
	}
	if q.key != "" {
		req.Header.Set("Idempotency-Key", q.key)
	}
	c.res.Requests++
	start := time.Now()
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		c.res.TransportErrors++
		return answer{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.res.TransportErrors++
		return answer{}, err
	}
	c.res.Statuses[res.StatusCode]++
	a := answer{status: res.StatusCode, body: body, replayed: res.Header.Get("Idempotent-Replayed") == "true"}
	if a.ok() {
		c.res.Latencies = append(c.res.Latencies, time.Since(start))
	}
	return a, nil
}

// get reads path into v, retrying like send.
func (c *client) get(ctx context.Context, path string, v any) error {
	ans, err := c.send(ctx, request{method: "GET", path: path})
	if err != nil {
		return err
	}
	if !ans.ok() {
		return fmt.Errorf("GET %s: %d %s", path, ans.status, bytes.TrimSpace(ans.body))
	}
	return json.Unmarshal(ans.body, v)
}

func (c *client) getApplication(ctx context.Context, id int64) (Ack, error) {
	var a struct {
		ID    int64          `json:"id"`
		State workflow.State `json:"state"`
	}
	err := c.get(ctx, "/api/v1/applications/"+strconv.FormatInt(id, 10), &a)
	return Ack{ApplicationID: a.ID, State: a.State}, err
}

func (c *client) findAttachment(ctx context.Context, appID int64, name string) (Ack, bool, error) {
	var list struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := c.get(ctx, "/api/v1/applications/"+strconv.FormatInt(appID, 10)+"/attachments", &list); err != nil {
		return Ack{}, false, err
	}
	for _, a := range list.Items {
		if a.Name == name {
			return Ack{ApplicationID: appID, AttachmentID: a.ID}, true, nil
		}
	}
	return Ack{}, false, nil
}

// multipartFile is a multipart/form-data body holding content as the part
// "file", built once so that a retry sends the same bytes and boundary.
func multipartFile(name string, content []byte) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(content)
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}
