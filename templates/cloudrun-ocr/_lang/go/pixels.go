package main

import (
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// imagePixels reads w×h from the image header — never the pixels — and refuses images over
// maxPixels: a 446 KB PNG can declare 12000×12000 and take gigabytes to decode. 0 means the type
// has no header we read (HEIC, PDF) or a TIFF variant x/image cannot describe.
func imagePixels(r io.Reader, mime string, maxPixels int64) (int64, error) {
	var cfg image.Config
	var err error
	switch mime {
	case "image/png":
		cfg, err = png.DecodeConfig(r)
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(r)
	case "image/webp":
		cfg, err = webp.DecodeConfig(r)
	case "image/tiff":
		cfg, err = tiff.DecodeConfig(r)
		var unsupported tiff.UnsupportedError
		if errors.As(err, &unsupported) {
			return 0, nil // a layout x/image does not decode; tesseract's RLIMIT_AS still bounds it
		}
	default:
		return 0, nil
	}
	if err != nil {
		return 0, errBadImage(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, errBadImage(fmt.Errorf("header declares %d×%d", cfg.Width, cfg.Height))
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > maxPixels {
		return 0, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_many_pixels",
			Message: fmt.Sprintf("the image is %d×%d = %d pixels, over the budget of %d (OCR_MAX_PIXELS)",
				cfg.Width, cfg.Height, pixels, maxPixels)}
	}
	return pixels, nil
}
