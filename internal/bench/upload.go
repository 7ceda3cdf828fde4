package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
)

// uploadBytes is the size of the upload scenario's file.
func (e *env) uploadBytes() int64 {
	if e.cfg.Quick {
		return 64 << 20
	}
	return 1 << 30
}

// fileBytes is the upload's content, made as it is read and never held
// whole: a PDF header, then reproducible pseudo-random bytes.
func fileBytes(size int64) io.Reader {
	const header = "%PDF-1.7\n"
	random := rand.NewChaCha8([32]byte{'b', 'e', 'n', 'k'})
	return io.MultiReader(strings.NewReader(header), io.LimitReader(random, size-int64(len(header))))
}

// upload sends one large file through the API (multipart, as a browser
// does) and the same bytes straight to the same object storage with
// minio-go's PutObject, and reports both throughputs and how far the
// process's resident memory rose above where it was.
func upload(ctx context.Context, e *env) (Scenario, error) {
	size := e.uploadBytes()
	app, err := e.draft(ctx, 0, "Stor fil")
	if err != nil {
		return Scenario{}, err
	}
	var frame bytes.Buffer
	w := multipart.NewWriter(&frame)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="stor.pdf"`)
	h.Set("Content-Type", "application/pdf")
	if _, err := w.CreatePart(h); err != nil {
		return Scenario{}, err
	}
	head := bytes.Clone(frame.Bytes())
	frame.Reset()
	if err := w.Close(); err != nil {
		return Scenario{}, err
	}
	tail := frame.Bytes()

	base := resetPeakRSS()
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/v1/applications/%d/attachments", e.baseURL, app.ID),
		io.MultiReader(bytes.NewReader(head), fileBytes(size), bytes.NewReader(tail)))
	if err != nil {
		return Scenario{}, err
	}
	req.ContentLength = int64(len(head)) + size + int64(len(tail))
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[0])
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return Scenario{}, err
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	viaAPI := time.Since(start)
	growth := peakRSS() - base
	errs := 0
	if res.StatusCode != http.StatusCreated {
		errs++
		return Scenario{Errors: errs, Detail: fmt.Sprintf("upload answered %d: %s", res.StatusCode, answer)}, nil
	}

	start = time.Now()
	info, err := e.blobs.Client().PutObject(ctx, e.blobs.Bucket(), "bench/direct", fileBytes(size), -1,
		minio.PutObjectOptions{ContentType: "application/pdf", PartSize: blob.PartSize})
	direct := time.Since(start)
	if err != nil || info.Size != size {
		return Scenario{}, fmt.Errorf("direct PutObject: %+v, %v", info, err)
	}
	mb := float64(size) / 1e6
	return Scenario{Value: mb / viaAPI.Seconds(), Unit: "MB/s", Reference: mb / direct.Seconds(), ReferenceName: "minio-go PutObject MB/s",
		Goal: "≥ 0.8 × PutObject, peak RSS growth < 64 MiB", Errors: errs,
		Detail: fmt.Sprintf("%d MiB through the API (multipart, SHA-256 on the way); peak resident memory grew %.0f MiB", size>>20, growth)}, nil
}

// resetPeakRSS frees what it can, resets the kernel's peak resident set
// (VmHWM) to the current one and returns it in MiB.
func resetPeakRSS() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procMiB("VmRSS")
}

// peakRSS is the peak resident set since the last reset, in MiB.
func peakRSS() float64 { return procMiB("VmHWM") }

func procMiB(field string) float64 {
	kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/self/status", field), " kB"), 64)
	if err != nil {
		return 0
	}
	return kb / 1024
}
