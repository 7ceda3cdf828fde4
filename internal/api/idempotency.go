package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
)

// idempotent honours an Idempotency-Key on POST: the key is recorded in the
// same transaction as the request's effect; a retry with the same key and
// body gets the first response again and changes nothing, and the same key
// with another body is refused with 422.
//
// A request is not looked up before it runs: its key is recorded at the
// end of its effect's transaction, and a retry runs into the recorded key
// there and is refused (store.Claim). Only a request that was refused is
// looked up, and then answered from what its key keeps instead: the first
// response, saved after it was written; or, when the response was never
// saved (the server died in between) but the effect noted its result with
// the key, the route's replay from that resource as it is now. Without
// either, the first request may still be running, and the retry gets 409.
// Routes without a replay (batches, publishing) are looked up first, and
// their responses saved before they are sent (see below).
func idempotent(st *store.Store, replays map[string]replay) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get("Idempotency-Key")
			u, signedIn := httpx.User(r.Context())
			if r.Method != http.MethodPost || key == "" || !signedIn {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 255 || !printable(key) {
				httpx.WriteError(w, r, apperr.New(apperr.BadRequest, i18n.T(
					"Idempotency-Key må være 1–255 synlige ASCII-tegn.", "Idempotency-Key must be 1–255 visible ASCII characters.")))
				return
			}
			hash, err := requestHash(w, r)
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			// A file may be large: a retry of an upload is answered before
			// its bytes are stored again. A route without a replay (a batch,
			// whose retry would find nothing left to do and answer so) is
			// answered from its key before it runs, and its response is
			// saved before it is sent.
			withReplay := replayed(replays, r)
			if (isUpload(r) || !withReplay) && answeredFromKey(w, r, st, u, key, hash, replays) {
				return
			}
			ctx, claim := store.WithClaim(r.Context(), u.ID, key, hash)
			rec := &recorder{header: http.Header{}}
			next.ServeHTTP(rec, r.WithContext(ctx))
			switch {
			case claim.Consumed() && !withReplay:
				// Saved even when the client has gone: its retry needs it.
				st.SaveResponse(context.WithoutCancel(r.Context()), u.ID, key, rec.status, rec.header.Get("Content-Type"), rec.body.Bytes())
			case claim.Consumed():
				st.KeepResponse(u.ID, key, rec.status, rec.header.Get("Content-Type"), rec.body.Bytes())
			case rec.status >= http.StatusBadRequest:
				// Refused: perhaps because the key was used before.
				st.FlushKeptResponses(r.Context())
				if answeredFromKey(w, r, st, u, key, hash, replays) {
					return
				}
			}
			rec.sendTo(w)
		})
	}
}

// answeredFromKey looks the key up and, when it keeps anything (or the
// lookup fails), answers the request; it reports whether it did.
func answeredFromKey(w http.ResponseWriter, r *http.Request, st *store.Store, u model.User, key string, hash []byte, replays map[string]replay) bool {
	kept, err := st.IdempotentLookup(r.Context(), u.ID, key)
	switch {
	case err != nil:
		httpx.WriteError(w, r, err)
	case kept != nil:
		answerKept(w, r, u, kept, hash, replays)
	}
	return err != nil || kept != nil
}

// answerKept answers a request with what its key keeps.
func answerKept(w http.ResponseWriter, r *http.Request, u model.User, kept *store.IdempotentResponse, hash []byte, replays map[string]replay) {
	switch {
	case !kept.SameRequest(hash):
		httpx.WriteError(w, r, apperr.New(apperr.Invalid, i18n.T(
			"Denne Idempotency-Key er brukt for en annen forespørsel.", "This Idempotency-Key was used for a different request.")))
	case kept.Done:
		w.Header().Set("Content-Type", kept.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(kept.Status)
		_, _ = w.Write(kept.Body)
	default:
		if rp, ok := routeReplay(replays, r, kept.Result.Kind); ok {
			if err := rp.answer(w, r, u, kept.Result.ID); err != nil {
				httpx.WriteError(w, r, err)
			}
			return
		}
		httpx.WriteError(w, r, apperr.New(apperr.Conflict, i18n.T(
			"En forespørsel med samme Idempotency-Key er allerede tatt imot og kan fortsatt være under behandling. Prøv igjen om litt.",
			"A request with the same Idempotency-Key was already accepted, and the original request may still be running. Try again shortly.")))
	}
}

// requestHash identifies a request for its Idempotency-Key: the method,
// the path and the JSON body. A file upload is not buffered to be hashed
// (it may be gigabytes); its type with the multipart boundary and its
// length stand for it.
func requestHash(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	if isUpload(r) {
		h.Write([]byte(r.Header.Get("Content-Type") + "\n" + strconv.FormatInt(r.ContentLength, 10)))
		return h.Sum(nil), nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxJSONBody))
	if err != nil {
		return nil, apperr.New(apperr.TooLarge, i18n.Tf(
			"Forespørselen er for stor (høyst %d byte).", "The request body is too large (at most %d bytes).", httpx.MaxJSONBody))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h.Write(body)
	return h.Sum(nil), nil
}

// isUpload reports whether r carries a file (a multipart form).
func isUpload(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// recorder holds a response back, so that it can be sent, or replaced by
// what the request's key keeps.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// sendTo writes the held response to w.
func (rec *recorder) sendTo(w http.ResponseWriter) {
	maps.Copy(w.Header(), rec.header)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}
