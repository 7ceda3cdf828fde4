package letter

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"nyttig/internal/i18n"
)

// pngLogo draws a small two-colour logo, 3:1, as PNG.
func pngLogo(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, logoImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func logoImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 90, 30))
	for x := range 90 {
		for y := range 30 {
			c := color.RGBA{0, 84, 147, 255}
			if (x/10+y/10)%2 == 0 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func TestRenderLogo(t *testing.T) {
	d := grantData(i18n.NB)
	d.Logo = pngLogo(t)
	pdf := render(t, d)
	if out := poppler(t, pdf, "pdfimages", "-list"); !strings.Contains(out, "image") || strings.Count(out, "\n") < 3 {
		t.Errorf("no image in the letter:\n%s", out)
	}
	if got := flat(text(t, pdf)); !strings.Contains(got, "Sandnes kommune Innovasjonsfondet") {
		t.Errorf("letterhead lost beside the logo:\n%s", got)
	}

	d.Logo = append([]byte("\x89PNG\r\n\x1a\n"), "truncated"...)
	var buf strings.Builder
	if err := renderer(t).Render(&buf, d, DefaultTemplate()); err == nil || buf.Len() != 0 {
		t.Errorf("truncated PNG: err %v, %d bytes written", err, buf.Len())
	}
}

func TestCheckLogo(t *testing.T) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, logoImage(), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		logo []byte
		ok   bool
	}{
		{"png", pngLogo(t), true},
		{"jpeg", jpg.Bytes(), true},
		{"truncated png", pngLogo(t)[:40], false},
		{"truncated after the header", pngLogo(t)[:60], false},
		{"huge", hugePNG(t), false},
		{"svg", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), false},
		{"empty", nil, false},
	} {
		if err := CheckLogo(tc.logo); (err == nil) != tc.ok {
			t.Errorf("%s: CheckLogo = %v", tc.name, err)
		}
	}
}

// hugePNG is a tiny file whose header claims 20 000 × 20 000 pixels.
func hugePNG(t *testing.T) []byte {
	t.Helper()
	chunk := func(kind string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, kind...), data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit grey, no interlace
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	return append(b, chunk("IEND", nil)...)
}
