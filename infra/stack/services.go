package stack

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
	// Calls are the labels of the services it calls.
	Calls []string
}

// Services are the three apps, in the order of the architecture diagram.
// A function, not a variable: callers get their own copy.
func Services() []Service {
	return []Service{
		{App: "backend", Name: BackendName, Label: "backend", Repo: "todo-backend", Port: 8000},
		{App: "web", Name: WebName, Label: "frontend-web", Repo: "todo-frontend-web", Port: 3000, Public: true, Calls: []string{"backend"}},
		{App: "chatbot", Name: ChatbotName, Label: "frontend-chatbot", Repo: "todo-frontend-chatbot", Port: 3001, Public: true, Calls: []string{"backend"}},
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
	switch s.App {
	case "web":
		return c.WebNodePort
	case "chatbot":
		return c.ChatNodePort
	}
	return 0
}
