package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/tiff"
)

// craftedPNG is a valid PNG signature and IHDR declaring w×h 8-bit grey, then idat as its only
// image data: enough for a header bomb without allocating its pixels.
func craftedPNG(w, h uint32, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // bit depth; colour type 0 (grey), no interlace
	chunk("IHDR", ihdr)
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return b.Bytes()
}

// zeroRows deflates h rows of w grey pixels (a filter byte each).
func zeroRows(w, h int) []byte {
	var b bytes.Buffer
	z, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	row := make([]byte, w+1)
	for range h {
		_, _ = z.Write(row)
	}
	_ = z.Close()
	return b.Bytes()
}

// png12000 is a real 12000×12000 PNG of ~140 KB that inflates to 144 MB, built once (deflating
// takes a second).
var png12000 = sync.OnceValue(func() []byte { return craftedPNG(12000, 12000, zeroRows(12000, 12000)) })

func TestPixelBudgetRefusesBeforeDecoding(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"x"}`) })
	cfg := testConfig(fake.URL)
	h, _ := newTestServer(t, cfg)
	cases := map[string][]byte{
		"12000² PNG that inflates to 144 MB": png12000(),
		"50000² header bomb":                 craftedPNG(50000, 50000, []byte{0x78, 0x9c, 0x03, 0x00}),
	}
	for name, body := range cases {
		rec := post(h, body, "image/png")
		msg, _ := decode(t, rec)["error"].(map[string]any)["message"].(string)
		if rec.Code != http.StatusRequestEntityTooLarge || errorCode(t, rec) != "too_many_pixels" || !strings.Contains(msg, "OCR_MAX_PIXELS") {
			t.Errorf("%s (%d bytes): status %d: %s", name, len(body), rec.Code, rec.Body)
		}
	}
	if !strings.Contains(post(h, cases["50000² header bomb"], "image/png").Body.String(), "50000×50000") {
		t.Error("the message must name the declared size")
	}
	if fake.calls.Load() != 0 {
		t.Fatal("images over the pixel budget must not reach the model")
	}
}

func TestTruncatedImageIs422(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"x"}`) })
	h, _ := newTestServer(t, testConfig(fake.URL))
	jpegStart := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'}
	for name, body := range map[string][]byte{"png": testPNG[:20], "jpeg": jpegStart, "webp": []byte("RIFF\x10\x00\x00\x00WEBPVP8 ")} {
		rec := post(h, body, "image/png")
		if rec.Code != http.StatusUnprocessableEntity || errorCode(t, rec) != "bad_image" {
			t.Errorf("%s: status %d: %s", name, rec.Code, rec.Body)
		}
	}
	if fake.calls.Load() != 0 {
		t.Fatal("undecodable images must not reach the model")
	}
}

func TestTIFFIsSniffedAndMeasured(t *testing.T) {
	var b bytes.Buffer
	if err := tiff.Encode(&b, grey(40, 30), nil); err != nil {
		t.Fatal(err)
	}
	mime, ok := sniffImage(b.Bytes())
	if !ok || mime != "image/tiff" {
		t.Fatalf("sniff = %q", mime)
	}
	if got, _ := sniffImage([]byte("MM\x00*\x00\x00\x00\x08")); got != "image/tiff" {
		t.Fatalf("big-endian TIFF sniffed as %q", got)
	}
	if px, err := imagePixels(bytes.NewReader(b.Bytes()), mime, 25_000_000); err != nil || px != 1200 {
		t.Fatalf("pixels %d, %v", px, err)
	}
	if err := (&tesseractEngine{}).Check(mime, int64(b.Len())); err != nil {
		t.Fatalf("tesseract must take TIFF: %v", err)
	}
}

// craftedTIFF is a big-endian TIFF whose only IFD comes after filler bytes (as ImageMagick writes
// it, at the end), declaring w×h with ImageWidth as LONG and ImageLength as SHORT.
func craftedTIFF(w uint32, h uint16, filler int) []byte {
	var b bytes.Buffer
	b.WriteString("MM\x00\x2a")
	_ = binary.Write(&b, binary.BigEndian, uint32(8+filler))
	b.Write(make([]byte, filler))
	_ = binary.Write(&b, binary.BigEndian, uint16(2))
	_ = binary.Write(&b, binary.BigEndian, []uint16{256, 4})
	_ = binary.Write(&b, binary.BigEndian, []uint32{1, w})
	_ = binary.Write(&b, binary.BigEndian, []uint16{257, 3})
	_ = binary.Write(&b, binary.BigEndian, uint32(1))
	_ = binary.Write(&b, binary.BigEndian, []uint16{h, 0})
	return b.Bytes()
}

func TestTIFFDimensionsComeFromTheIFDWhereverItIs(t *testing.T) {
	n, err := imagePixels(bytes.NewReader(craftedTIFF(1400, 220, 5000)), "image/tiff", 25_000_000)
	if err != nil || n != 1400*220 {
		t.Fatalf("got %d, %v; want %d", n, err, 1400*220)
	}
	_, err = imagePixels(bytes.NewReader(craftedTIFF(50000, 50000, 10)), "image/tiff", 25_000_000)
	if e, ok := err.(*apiError); !ok || e.Code != "too_many_pixels" {
		t.Fatalf("a 50000² TIFF: got %v, want too_many_pixels", err)
	}
	_, err = imagePixels(bytes.NewReader(craftedTIFF(10, 10, 100)[:60]), "image/tiff", 25_000_000)
	if e, ok := err.(*apiError); !ok || e.Code != "bad_image" {
		t.Fatalf("a TIFF cut before its IFD: got %v, want bad_image", err)
	}
}
