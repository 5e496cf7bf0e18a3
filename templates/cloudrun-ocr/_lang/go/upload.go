package main

import (
	"errors"
	"io"
)

const (
	firstChunk = 4 << 10
	maxChunk   = 1 << 20
)

var errBusy = errors.New("receive budget exhausted")

// upload holds a body as it arrives, in chunks charged to the receive budget before they are
// allocated: a client trickling one byte holds one small chunk, not its Content-Length, and
// chunks are never copied while the body grows.
type upload struct {
	budget  *receiveBudget
	chunks  [][]byte
	size    int64
	charged int64
}

// readFrom reads src to EOF; errBusy when the budget cannot take the next chunk. sizeHint
// (Content-Length, or -1) keeps the last chunk from being larger than the bytes still to come.
func (u *upload) readFrom(src io.Reader, sizeHint int64) error {
	next := int64(firstChunk)
	for {
		if sizeHint >= 0 {
			next = max(1, min(next, sizeHint-u.size+1))
		}
		if !u.budget.tryTake(next) {
			return errBusy
		}
		u.charged += next
		chunk := make([]byte, next)
		n, err := io.ReadFull(src, chunk)
		if n > 0 {
			u.chunks = append(u.chunks, chunk[:n])
			u.size += int64(n)
		}
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			return err
		}
		next = min(maxChunk, max(firstChunk, u.size))
	}
}

// head is the start of the body, enough to sniff the type.
func (u *upload) head() []byte {
	if len(u.chunks) == 0 {
		return nil
	}
	return u.chunks[0]
}

// ReadAt lets header parsers (TIFF keeps its directory anywhere) read the chunks in place.
func (u *upload) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for _, c := range u.chunks {
		if off >= int64(len(c)) {
			off -= int64(len(c))
			continue
		}
		k := copy(p[n:], c[off:])
		n, off = n+k, 0
		if n == len(p) {
			return n, nil
		}
	}
	return n, io.EOF
}

func (u *upload) reader() *io.SectionReader { return io.NewSectionReader(u, 0, u.size) }

// bytes joins the chunks into the one slice the engines take. The caller has charged that copy to
// the work budget, so the chunks' receive charge is returned here.
func (u *upload) bytes() []byte {
	if len(u.chunks) == 1 {
		return u.chunks[0]
	}
	out := make([]byte, 0, u.size)
	for _, c := range u.chunks {
		out = append(out, c...)
	}
	u.chunks = [][]byte{out}
	u.free()
	return out
}

// free returns the receive charge; the chunks become garbage for the next GC.
func (u *upload) free() {
	u.budget.give(u.charged)
	u.charged = 0
}
