package main

import "bytes"

// sniffImage names the type of an upload from its first bytes. The Content-Type header is never
// trusted: clients mislabel, and the model must be told the real type.
func sniffImage(b []byte) (mime string, ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", true
	case len(b) >= 12 && bytes.Equal(b[0:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "image/webp", true
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "image/tiff", true
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", true
	case len(b) >= 12 && bytes.Equal(b[4:8], []byte("ftyp")):
		// ISO-BMFF: the major brand tells HEIC (HEVC-coded) from plain HEIF.
		switch string(b[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx":
			return "image/heic", true
		case "mif1", "msf1", "heif":
			return "image/heif", true
		}
	}
	return "", false
}
