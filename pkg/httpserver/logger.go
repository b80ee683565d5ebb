package httpserver

import (
	"io"
	"log/slog"
)

// NewLogger returns a JSON slog logger at the named level
// (debug, info, warn, error) tagged with the service name.
func NewLogger(w io.Writer, level, service string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})).With(slog.String("service", service))
}
