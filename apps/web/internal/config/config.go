// Package config is the web app's settings, read from the environment and
// validated in one place at start-up.
package config

import (
	"time"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// Config is everything the web app needs.
type Config struct {
	config.Frontend
	ChatbotURL string // public URL of the chatbot, for links in pages
	// UploadIdle and UploadTime bound an import file's upload as the
	// backend's settings of the same names do.
	UploadIdle time.Duration
	UploadTime time.Duration
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Frontend:   env.Frontend(3000, auth.MinSecretBytes),
		ChatbotURL: env.URL("CHATBOT_URL", "http://localhost:3001"),
		UploadIdle: env.DurationBetween("UPLOAD_IDLE_TIMEOUT", httpserver.DefaultUploadIdle, time.Second, 10*time.Minute),
		UploadTime: env.DurationBetween("UPLOAD_TIMEOUT", httpserver.DefaultUploadTime, time.Minute, 24*time.Hour),
	}
	return c, env.Err()
}
