// Package config is the web app's settings, read from the environment and
// validated in one place at start-up.
package config

import (
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/config"
)

// Config is everything the web app needs.
type Config struct {
	config.Frontend
	ChatbotURL string // public URL of the chatbot, for links in pages
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Frontend:   env.Frontend(3000, auth.MinSecretBytes),
		ChatbotURL: env.URL("CHATBOT_URL", "http://localhost:3001"),
	}
	return c, env.Err()
}
