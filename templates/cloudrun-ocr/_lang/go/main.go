// Command bootstrap serves POST /v1/ocr on Cloud Run: image bytes in, text out.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Cloud Run sends SIGTERM and kills the instance 10 s later: leave a margin to flush logs.
const drainTimeout = 9 * time.Second

func main() {
	log := newLogger(os.Stdout)
	if err := run(log); err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	applyGoMemoryLimit(cfg.MemoryLimit)
	engine, err := newEngine(context.Background(), cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, cfg.Port))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: newServer(cfg, engine, log).routes(),
		// Slow headers are cut here; the body has its own deadline (OCR_BODY_TIMEOUT_MS) and the
		// answer a write deadline, set per request in server.go.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "host", cfg.Host, "port", cfg.Port, "engine", engine.Name(), "model", cfg.Model,
		"memoryLimitMiB", cfg.MemoryLimit>>20, "memoryBudgetBytes", cfg.MemoryBudget, "maxUploadBytes", cfg.MaxUploadBytes)

	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	select {
	case err := <-served:
		return err
	case <-stop.Done():
	}
	// Shutdown stops accepting at once and waits for in-flight requests.
	ctx, cancelDrain := context.WithTimeout(context.Background(), drainTimeout)
	defer cancelDrain()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("drain timed out; in-flight requests were cut", "error", err.Error())
	}
	log.Info("stopped")
	return nil
}

func newEngine(ctx context.Context, cfg Config) (Engine, error) {
	if cfg.Engine == "tesseract" {
		return newTesseractEngine(envOr("TESSERACT_LANG", "eng"), cfg), nil
	}
	return newGeminiEngine(ctx, cfg)
}
