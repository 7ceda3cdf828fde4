package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// benchSize is the size of the benchmark's file.
const benchSize = 1 << 30

// benchBytes is a file of benchSize bytes, made as it is read and never
// held whole: a PDF header, for the upload to be accepted, and then
// reproducible pseudo-random bytes.
func benchBytes() io.Reader {
	const header = "%PDF-1.7\n"
	random := rand.NewChaCha8([32]byte{'n', 'y', 't', 't', 'i', 'g'})
	return io.MultiReader(strings.NewReader(header), io.LimitReader(random, benchSize-int64(len(header))))
}

// heapPeak samples the bytes in heap objects until stopped and returns how
// far they rose above where they were at the start.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func watchHeap() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64, 1)}
	base := heapObjects()
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		peak := base
		for {
			peak = max(peak, heapObjects())
			select {
			case <-h.stop:
				h.done <- peak - base
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// growth stops sampling and returns the peak growth in MiB.
func (h *heapPeak) growth() float64 {
	close(h.stop)
	return float64(<-h.done) / (1 << 20)
}

// multipartFrame is what a browser sends around a file's bytes in the
// field "file": the part's headers before, the closing boundary after.
func multipartFrame(b *testing.B, name string) (head, tail []byte, contentType string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := w.CreatePart(h); err != nil {
		b.Fatal(err)
	}
	head = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return head, bytes.Clone(buf.Bytes()), w.FormDataContentType()
}

func mbPerSecond(d time.Duration) float64 { return benchSize / 1e6 / d.Seconds() }

// BenchmarkUpload1GiB uploads 1 GiB through the whole HTTP handler on a
// loopback server, and the same bytes straight to the same MinIO with
// minio-go's PutObject (unknown size, the same part size). It reports the
// throughput of both, their ratio, and how far the heap grew during each;
// the heap is the whole process's, client side included.
//
//	go test -run '^$' -bench BenchmarkUpload1GiB -benchtime 1x ./internal/api/
func BenchmarkUpload1GiB(b *testing.B) {
	e := newEnvWith(b, testenv.Blobs(b), grants.Limits{FileBytes: benchSize, ApplicationBytes: benchSize})
	owner := e.user(b, workflow.Applicant)
	ctx := context.Background()
	want := sha256.New()
	if _, err := io.Copy(want, benchBytes()); err != nil {
		b.Fatal(err)
	}
	wantSHA := hex.EncodeToString(want.Sum(nil))
	head, tail, contentType := multipartFrame(b, "stor.pdf")

	var viaHandler, direct time.Duration
	var handlerHeap, directHeap float64
	b.ResetTimer()
	for i := range b.N {
		app := e.create(b, owner, completeFields(e.call.ID))
		body := io.MultiReader(bytes.NewReader(head), benchBytes(), bytes.NewReader(tail))
		upload, err := http.NewRequest("POST", e.srv.URL+"/api/v1"+attachmentsPath(app.ID), body)
		if err != nil {
			b.Fatal(err)
		}
		// A known length, as a browser sends it.
		upload.ContentLength = int64(len(head)) + benchSize + int64(len(tail))
		upload.Header.Set("Content-Type", contentType)
		upload.Header.Set("Authorization", "Bearer "+owner.token)

		heap := watchHeap()
		start := time.Now()
		res, err := e.srv.Client().Do(upload)
		if err != nil {
			b.Fatal(err)
		}
		answer, err := io.ReadAll(res.Body)
		res.Body.Close()
		viaHandler += time.Since(start)
		handlerHeap = max(handlerHeap, heap.growth())
		if err != nil || res.StatusCode != http.StatusCreated {
			b.Fatalf("upload: %d %s (%v)", res.StatusCode, answer, err)
		}
		var at model.Attachment
		if err := json.Unmarshal(answer, &at); err != nil || at.Size != benchSize || at.SHA256 != wantSHA {
			b.Fatalf("stored %+v (%v), want %d bytes with sha256 %s", at, err, benchSize, wantSHA)
		}

		key := "bench/direct-" + strconv.Itoa(i)
		heap = watchHeap()
		start = time.Now()
		info, err := e.blobs.Client().PutObject(ctx, e.blobs.Bucket(), key, benchBytes(), -1,
			minio.PutObjectOptions{ContentType: "application/pdf", PartSize: blob.PartSize})
		direct += time.Since(start)
		directHeap = max(directHeap, heap.growth())
		if err != nil || info.Size != benchSize {
			b.Fatalf("direct PutObject: %+v, %v", info, err)
		}

		b.StopTimer()
		e.expect(b, req{method: "DELETE", path: attachmentPath(at.ID), token: owner.token}, http.StatusNoContent)
		if err := e.blobs.Remove(ctx, key); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	viaHandler /= time.Duration(b.N)
	direct /= time.Duration(b.N)
	b.ReportMetric(mbPerSecond(viaHandler), "handler-MB/s")
	b.ReportMetric(mbPerSecond(direct), "direct-MB/s")
	b.ReportMetric(direct.Seconds()/viaHandler.Seconds(), "handler/direct")
	b.ReportMetric(handlerHeap, "handler-heap-MiB")
	b.ReportMetric(directHeap, "direct-heap-MiB")
}
