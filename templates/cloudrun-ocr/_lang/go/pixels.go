package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/webp"
)

// imagePixels reads w×h from the image header — never the pixels — and refuses images over
// maxPixels: a 446 KB PNG can declare 12000×12000 and take gigabytes to decode. 0 means the type
// has no header we read (HEIC, PDF).
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
		// Read from the IFD ourselves: x/image/tiff refuses layouts tesseract reads (grey+alpha, 1-bit).
		cfg, err = tiffConfig(r)
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

// tiffConfig reads ImageWidth (256) and ImageLength (257) from a TIFF's first IFD. The IFD may sit
// anywhere after the 8-byte header (ImageMagick writes it at the end), so the reader is skipped
// forward to it rather than held in memory twice.
func tiffConfig(r io.Reader) (image.Config, error) {
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return image.Config{}, err
	}
	var order binary.ByteOrder = binary.LittleEndian
	if head[0] == 'M' {
		order = binary.BigEndian
	}
	offset := int64(order.Uint32(head[4:]))
	if offset < 8 {
		return image.Config{}, errors.New("TIFF IFD offset inside the header")
	}
	if _, err := io.CopyN(io.Discard, r, offset-8); err != nil {
		return image.Config{}, err
	}
	var count [2]byte
	if _, err := io.ReadFull(r, count[:]); err != nil {
		return image.Config{}, err
	}
	var cfg image.Config
	entry := make([]byte, 12)
	for range order.Uint16(count[:]) {
		if _, err := io.ReadFull(r, entry); err != nil {
			return image.Config{}, err
		}
		var v int
		switch order.Uint16(entry[2:]) { // field type
		case 3: // SHORT
			v = int(order.Uint16(entry[8:]))
		case 4: // LONG
			v = int(order.Uint32(entry[8:]))
		default:
			continue
		}
		switch order.Uint16(entry) {
		case 256:
			cfg.Width = v
		case 257:
			cfg.Height = v
		}
	}
	return cfg, nil
}
