package letter

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig reads the logo's size
	_ "image/png"

	"codeberg.org/go-pdf/fpdf"
)

// maxLogoSide bounds a logo's pixels, so a small file cannot make fpdf
// inflate a huge image.
const maxLogoSide = 4000

// CheckLogo reports whether b is a logo a letter can show: a PNG or JPEG
// of at most 4000 × 4000 pixels that fpdf reads (it refuses, for one,
// interlaced PNGs). Check a logo when an admin uploads it, so that a
// decision never fails on it.
func CheckLogo(b []byte) error {
	_, err := registerLogo(fpdf.New("P", "mm", "A4", ""), b)
	return err
}

// registerLogo adds b to pdf as the image "logo". fpdf panics on some
// malformed images, such as a truncated PNG; that becomes an error too.
func registerLogo(pdf *fpdf.Fpdf, b []byte) (info *fpdf.ImageInfoType, err error) {
	tp := imageType(b)
	if tp == "" {
		return nil, errors.New("letter: logo is neither PNG nor JPEG")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("letter: logo: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		return nil, fmt.Errorf("letter: logo is %d × %d pixels; at most %d × %d", cfg.Width, cfg.Height, maxLogoSide, maxLogoSide)
	}
	defer func() {
		if p := recover(); p != nil {
			info, err = nil, fmt.Errorf("letter: logo is not a readable %s: %v", tp, p)
		}
	}()
	info = pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: tp}, bytes.NewReader(b))
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("letter: logo: %w", err)
	}
	return info, nil
}

// logo places the fund's logo at most 16 mm high and 45 mm wide and returns
// its size. An unreadable logo is left as the document's error.
func (l *layout) logo(x, y float64) (w, h float64) {
	info, err := registerLogo(l.pdf, l.d.Logo)
	if err != nil {
		l.pdf.SetError(err)
		return 0, 0
	}
	h = 16
	w = h * info.Width() / info.Height()
	if w > 45 {
		w, h = 45, 45*info.Height()/info.Width()
	}
	l.pdf.ImageOptions("logo", x, y, w, h, false, fpdf.ImageOptions{ImageType: imageType(l.d.Logo)}, 0, "")
	return w, h
}

// imageType names the format of a logo from its first bytes, or "" when it
// is neither PNG nor JPEG.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "JPG"
	}
	return ""
}
