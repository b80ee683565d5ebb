// Package config is the web app's settings, read from the environment and
// validated in one place at start-up.
package config

import (
	"time"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/config"
)

// Config is everything the web app needs.
type Config struct {
	Port int
	// MetricsPort serves Prometheus metrics apart from the app (0: off).
	MetricsPort   int
	BackendURL    string // where the server reaches the backend (in-cluster name)
	AuthSecret    string
	ChatbotURL    string // public URL of the chatbot, for links in pages
	ShutdownGrace time.Duration
	LogLevel      string
	// TrustedProxies are the reverse proxies (an ingress terminating TLS)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed: the
	// browser's address for sign-in limits, HTTPS for Secure cookies and
	// HSTS. Empty (the default, "none"): believe no one.
	TrustedProxies []string
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Port:           env.Port("PORT", 3000),
		MetricsPort:    env.Int("METRICS_PORT", 0, 0, 65535),
		BackendURL:     env.URL("BACKEND_URL", "http://localhost:8000"),
		AuthSecret:     env.Secret("BETTER_AUTH_SECRET", auth.MinSecretBytes),
		ChatbotURL:     env.URL("CHATBOT_URL", "http://localhost:3001"),
		ShutdownGrace:  env.Duration("SHUTDOWN_GRACE", 20*time.Second),
		LogLevel:       env.LogLevel("LOG_LEVEL", "info"),
		TrustedProxies: env.CIDRList("TRUSTED_PROXIES", "none"),
	}
	return c, env.Err()
}
