package stack

import (
	"slices"
	"strconv"
	"strings"
)

// Service is one of the product's apps as the program deploys it: the one
// place its names, port, image and reach are written. The App components,
// the NetworkPolicies, the image builds and the tests all read it.
type Service struct {
	// App is the directory under apps/ its image is built from.
	App string
	// Name is its Deployment's and Service's name.
	Name string
	// Label is its pods' app label, which the NetworkPolicies select.
	Label string
	// Repo is its image repository.
	Repo string
	// Port is the container's port (and the Service's, unless public).
	Port int
	// Public services are on a NodePort, open to anyone; the others take
	// traffic only from the services that call them.
	Public bool
	// NodePort is a public service's node port on the minikube stack,
	// unless todo-app:nodePorts sets another.
	NodePort int
	// Calls are the labels of the services it calls.
	Calls []string
	// CallsDatabase: it connects to the database (in the cluster or not).
	CallsDatabase bool
	// CallsModel: it calls the OpenAI-compatible model API, wherever
	// openaiBaseUrl puts it.
	CallsModel bool
}

// Services are the three apps, in the order of the architecture diagram.
// A function, not a variable: callers get their own copy.
func Services() []Service {
	return []Service{
		{App: "backend", Name: BackendName, Label: "backend", Repo: "todo-backend", Port: 8000, CallsDatabase: true},
		{App: "web", Name: WebName, Label: "frontend-web", Repo: "todo-frontend-web", Port: 3000, Public: true, NodePort: 30000,
			Calls: []string{"backend"}},
		{App: "chatbot", Name: ChatbotName, Label: "frontend-chatbot", Repo: "todo-frontend-chatbot", Port: 3001, Public: true, NodePort: 30001,
			Calls: []string{"backend"}, CallsModel: true},
	}
}

// ServiceOf returns the service of an app (backend, web, chatbot).
func ServiceOf(app string) (Service, bool) {
	for _, s := range Services() {
		if s.App == app {
			return s, true
		}
	}
	return Service{}, false
}

// mustService is the service of an app the program itself names; a name
// missing from the table is a programming error, caught by every test.
func mustService(app string) Service {
	s, ok := ServiceOf(app)
	if !ok {
		panic("no service " + app + " in the services table")
	}
	return s
}

// publicServices are the services on a NodePort, in the table's order.
func publicServices() []Service {
	var out []Service
	for _, s := range Services() {
		if s.Public {
			out = append(out, s)
		}
	}
	return out
}

// serviceApps are the apps, in the table's order.
func serviceApps() []string {
	var out []string
	for _, s := range Services() {
		out = append(out, s.App)
	}
	return out
}

// serviceLabels are the apps' pod labels, in the table's order.
func serviceLabels() []string {
	var out []string
	for _, s := range Services() {
		out = append(out, s.Label)
	}
	return out
}

// servicePorts are the apps' ports, ascending.
func servicePorts() []int {
	var out []int
	for _, s := range Services() {
		out = append(out, s.Port)
	}
	slices.Sort(out)
	return out
}

// andList writes a list as English does: "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// joinInts writes numbers separated by commas: "3000, 3001, 8000".
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// settings are the service's sizing from the stack configuration.
func (c *Config) settings(s Service) AppSettings {
	switch s.App {
	case "web":
		return c.Web
	case "chatbot":
		return c.Chatbot
	}
	return c.Backend
}

// nodePort is the public service's node port (0 for the others, and for
// every service of a production stack: traffic comes through its gateway).
func (c *Config) nodePort(s Service) int {
	if c.Production != nil {
		return 0
	}
	return c.NodePorts[s.App]
}
