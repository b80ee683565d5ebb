package stack

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Production is the shape of a stack on a real multi-node cluster
// (todo-app:production). Absent, the stack is the minikube one: NodePorts
// on one node, as before; nothing here changes it.
type Production struct {
	// Hosts are the apps' public host names.
	Hosts struct {
		Web     string `json:"web"`
		Chatbot string `json:"chatbot"`
	} `json:"hosts"`
	// CookieDomain is the domain both hosts are under, for the one
	// sign-in they share (default: their common parent domain).
	CookieDomain string `json:"cookieDomain"`
	// Traffic is "gateway" (Gateway API: a Gateway and an HTTPRoute per
	// app, the default) or "ingress" (one Ingress).
	Traffic string `json:"traffic"`
	// GatewayClass is the Gateway's class (required with gateway);
	// IngressClass the Ingress's (empty: the cluster's default).
	GatewayClass string `json:"gatewayClass"`
	IngressClass string `json:"ingressClass"`
	TLS          TLS    `json:"tls"`
	// TrustedProxies are the CIDRs the gateway's or ingress controller's
	// pods connect from: the frontends believe their X-Forwarded-For and
	// X-Forwarded-Proto (the person's address, and HTTPS for Secure
	// cookies). Default: the private ranges.
	TrustedProxies []string `json:"trustedProxies"`
	// TolerationSeconds is how long pods stay bound to a node that is not
	// ready or unreachable before they are evicted and started elsewhere
	// (Kubernetes' default is 300).
	TolerationSeconds int `json:"tolerationSeconds"`
	// ServiceMonitor declares Prometheus Operator ServiceMonitors (the
	// operator's CRDs must be installed), scraping headless metrics
	// Services that publish only the metrics port.
	ServiceMonitor bool `json:"serviceMonitor"`
	// ClusterIdentifier names the cluster for the Kubernetes provider: a
	// new kubeconfig (rotated credentials) with the same identifier
	// updates the provider instead of replacing every resource.
	ClusterIdentifier string `json:"clusterIdentifier"`
	// Database, when set, is a CloudNativePG cluster the program declares
	// (cnpg.go); unset, databaseUrl names a managed PostgreSQL.
	Database *CNPG `json:"database"`
}

// TLS says where the HTTPS certificate comes from: a cert-manager issuer
// (a Certificate is declared for both hosts) or an existing Secret.
type TLS struct {
	// Issuer is a cert-manager issuer's name; IssuerKind ClusterIssuer
	// (the default) or Issuer.
	Issuer     string `json:"issuer"`
	IssuerKind string `json:"issuerKind"`
	// SecretName is a kubernetes.io/tls Secret in the namespace.
	SecretName string `json:"secretName"`
}

// TLSSecretName is the Secret the Certificate fills, or the given one.
func (p *Production) TLSSecretName() string {
	if p.TLS.SecretName != "" {
		return p.TLS.SecretName
	}
	return "todo-app-tls"
}

// ProductionMinReplicas: a node drained or lost leaves two of each app.
const ProductionMinReplicas = 3

// privateRanges are where a cluster's pods usually are.
var privateRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}

// readProduction reads todo-app:production and checks it against the rest
// of the configuration; it raises the apps' default replica counts to
// ProductionMinReplicas. nil when the stack is not a production one.
func readProduction(ctx *pulumi.Context, c *config.Config, cfg *Config, bad func(key, format string, args ...any)) *Production {
	var p Production
	if err := c.TryObject("production", &p); err != nil {
		if !errors.Is(err, config.ErrMissingVar) {
			bad("production", "must be an object like {\"hosts\": {\"web\": \"todo.example.com\", \"chatbot\": \"chat.example.com\"}, \"gatewayClass\": \"…\", \"tls\": {\"issuer\": \"letsencrypt\"}}: %v", err)
		}
		return nil
	}
	for name, h := range map[string]string{"web": p.Hosts.Web, "chatbot": p.Hosts.Chatbot} {
		if h == "" || !reHost.MatchString(h) || !strings.Contains(h, ".") || net.ParseIP(h) != nil {
			bad("production", "hosts.%s must be the app's public host name, like %s.example.com, got %q", name, name, h)
		}
	}
	if p.Hosts.Web != "" && p.Hosts.Web == p.Hosts.Chatbot {
		bad("production", "hosts.web and hosts.chatbot must differ (both are %q): each app answers at the root of its own host", p.Hosts.Web)
	}
	if p.CookieDomain == "" {
		p.CookieDomain = commonParent(p.Hosts.Web, p.Hosts.Chatbot)
	}
	p.CookieDomain = strings.TrimPrefix(p.CookieDomain, ".")
	if p.CookieDomain == "" || !strings.Contains(p.CookieDomain, ".") ||
		!underDomain(p.Hosts.Web, p.CookieDomain) || !underDomain(p.Hosts.Chatbot, p.CookieDomain) {
		bad("production", "cookieDomain %q must be a domain both hosts are under (for their shared sign-in), like example.com for todo.example.com and chat.example.com", p.CookieDomain)
	}
	switch p.Traffic {
	case "":
		p.Traffic = "gateway"
		fallthrough
	case "gateway":
		if p.GatewayClass == "" {
			bad("production", "gatewayClass is required with traffic gateway: the GatewayClass your cluster's Gateway controller provides (kubectl get gatewayclass)")
		}
	case "ingress":
	default:
		bad("production", "traffic must be gateway (Gateway API) or ingress, got %q", p.Traffic)
	}
	switch {
	case p.TLS.Issuer != "" && p.TLS.SecretName != "":
		bad("production", "tls takes issuer (cert-manager) or secretName (an existing TLS Secret), not both")
	case p.TLS.Issuer == "" && p.TLS.SecretName == "":
		bad("production", "tls needs issuer (a cert-manager ClusterIssuer, e.g. letsencrypt) or secretName (an existing kubernetes.io/tls Secret in the namespace)")
	case p.TLS.Issuer != "" && !reDNSLabel.MatchString(p.TLS.Issuer) && !reHost.MatchString(p.TLS.Issuer):
		bad("production", "tls.issuer must be the issuer's name, got %q", p.TLS.Issuer)
	case p.TLS.SecretName != "" && !reHost.MatchString(p.TLS.SecretName):
		bad("production", "tls.secretName must be a Secret's name, got %q", p.TLS.SecretName)
	}
	if p.TLS.IssuerKind == "" {
		p.TLS.IssuerKind = "ClusterIssuer"
	}
	if p.TLS.IssuerKind != "ClusterIssuer" && p.TLS.IssuerKind != "Issuer" {
		bad("production", "tls.issuerKind must be ClusterIssuer or Issuer, got %q", p.TLS.IssuerKind)
	}
	if p.TrustedProxies == nil {
		p.TrustedProxies = privateRanges
	}
	for _, r := range p.TrustedProxies {
		// The apps refuse a range of every address (pkg/config): refused
		// here, the stack fails at preview instead of pods that never start.
		if _, n, err := net.ParseCIDR(r); err != nil {
			bad("production", "trustedProxies must be CIDR ranges like 10.0.0.0/8, got %q", r)
		} else if ones, _ := n.Mask.Size(); ones == 0 {
			bad("production", "trustedProxies must not trust every address (%s): anyone could then write their own X-Forwarded-For; list your gateway's ranges, such as 10.0.0.0/8", r)
		}
	}
	if p.TolerationSeconds == 0 {
		p.TolerationSeconds = 30
	}
	if p.TolerationSeconds < 5 || p.TolerationSeconds > 300 {
		bad("production", "tolerationSeconds must be 5–300 (how long pods wait for a lost node before starting elsewhere), got %d", p.TolerationSeconds)
	}
	if p.ClusterIdentifier != "" && !reHost.MatchString(p.ClusterIdentifier) {
		bad("production", "clusterIdentifier must be a name like prod-eu-1, got %q", p.ClusterIdentifier)
	}

	if cfg.Namespace == "default" {
		bad("namespace", "must be set for a production stack (its Pod Security labels are the namespace's): pulumi config set namespace todo")
	}
	switch {
	case p.Database != nil && cfg.ExternalDB:
		bad("production", "database (a CloudNativePG cluster) and databaseUrl are two databases: keep one (pulumi config rm databaseUrl, or pulumi config rm --path production.database)")
	case p.Database != nil:
		checkCNPG(p.Database, bad)
		cfg.CNPG = p.Database
	case !cfg.ExternalDB:
		bad("databaseUrl", "is required for a production stack without production.database: the in-cluster PostgreSQL is one pod on one node's volume, which does not survive that node; use a managed PostgreSQL (pulumi config set --secret databaseUrl postgres://…) or a CloudNativePG cluster (docs/production.md)")
	}
	if cfg.Images.Registry == "" {
		bad("images", "registry is required for a production stack: the cluster's nodes pull the images from it (pulumi config set --path images.registry ghcr.io/acme)")
	}
	if _, set := ctx.GetConfig("todo-app:nodePorts"); set {
		bad("nodePorts", "has no use in a production stack (traffic comes in through the gateway or ingress): pulumi config rm nodePorts")
	}
	// Three of each, unless set higher; set lower is an error.
	raise := func(key string, n *int, field string) {
		raw := c.Get(key)
		if !hasKey(raw, field) && *n < ProductionMinReplicas {
			*n = ProductionMinReplicas
		}
		if *n < ProductionMinReplicas {
			bad(key, "%s must be at least %d in a production stack (a drained or lost node leaves two), got %d", field, ProductionMinReplicas, *n)
		}
	}
	raise("web", &cfg.Web.Replicas, "replicas")
	raise("chatbot", &cfg.Chatbot.Replicas, "replicas")
	if !hasKey(c.Get("backend"), "replicas") {
		raise("hpa", &cfg.HPA.Min, "min")
	} else {
		raise("backend", &cfg.HPA.Min, "replicas")
	}
	cfg.Backend.Replicas = cfg.HPA.Min
	if cfg.HPA.Max < cfg.HPA.Min {
		if hasKey(c.Get("hpa"), "max") {
			bad("hpa", "max %d is below the production minimum of %d backends: raise hpa.max", cfg.HPA.Max, cfg.HPA.Min)
		}
		cfg.HPA.Max = cfg.HPA.Min
	}
	return &p
}

// commonParent is the longest domain of at least two labels both hosts
// are under ("" if none).
func commonParent(a, b string) string {
	la, lb := strings.Split(a, "."), strings.Split(b, ".")
	var common []string
	for i := 1; i <= min(len(la), len(lb)); i++ {
		if la[len(la)-i] != lb[len(lb)-i] {
			break
		}
		common = append([]string{la[len(la)-i]}, common...)
	}
	if len(common) < 2 {
		return ""
	}
	// A host is never its own cookie domain's parent: todo.example.com
	// and example.com share example.com.
	return strings.Join(common, ".")
}

func underDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// clusterProvider is the explicit Kubernetes provider of a stack that
// names its cluster (todo-app:kubeconfig or production.clusterIdentifier);
// nil keeps the ambient one, as every stack before had: switching an
// existing stack's resources to another provider is a change of their
// provider reference, which their data must not ride on.
func clusterProvider(ctx *pulumi.Context, cfg *Config) (*kubernetes.Provider, error) {
	if cfg.Kubeconfig == (pulumi.StringOutput{}) && (cfg.Production == nil || cfg.Production.ClusterIdentifier == "") {
		return nil, nil
	}
	// Update the fixed-name Secret and ConfigMap in place, as the default
	// provider does from Pulumi.yaml's kubernetes:enable*Mutable (an
	// explicit provider reads no stack or project configuration). Without
	// them a new authSecret, model key or trustedProxies deletes the named
	// object before its replacement exists and replaces the Deployments
	// that read it: an outage on a routine rotation. The pod templates'
	// checksum annotation (ConfigChecksumAnnotation) then rolls exactly
	// the apps that read the changed value. Adding them to an existing
	// provider is an update of the provider, not a replacement.
	args := &kubernetes.ProviderArgs{
		EnableSecretMutable:    pulumi.Bool(true),
		EnableConfigMapMutable: pulumi.Bool(true),
	}
	if cfg.Kubeconfig != (pulumi.StringOutput{}) {
		args.Kubeconfig = cfg.Kubeconfig
	}
	if cfg.Production != nil && cfg.Production.ClusterIdentifier != "" {
		args.ClusterIdentifier = pulumi.String(cfg.Production.ClusterIdentifier)
	}
	p, err := kubernetes.NewProvider(ctx, "cluster", args)
	if err != nil {
		return nil, fmt.Errorf("declaring the Kubernetes provider: %w", err)
	}
	return p, nil
}

// GatewayName is the production stack's Gateway (and its Ingress's name).
const GatewayName = "todo-app"

// publicHost is the host of a public service in a production stack.
func (p *Production) publicHost(s Service) string {
	if s.App == "chatbot" {
		return p.Hosts.Chatbot
	}
	return p.Hosts.Web
}

// traffic brings HTTPS in: the certificate (unless a Secret is given),
// then a Gateway with an HTTPRoute per public app and a redirect from
// plain HTTP, or one Ingress.
func traffic(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	p := cfg.Production
	if p.TLS.Issuer != "" {
		_, err := apiextensions.NewCustomResource(ctx, "todo-app-tls", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("cert-manager.io/v1"), Kind: pulumi.String("Certificate"), Metadata: meta("todo-app-tls"),
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"secretName": p.TLSSecretName(),
				"dnsNames":   []string{p.Hosts.Web, p.Hosts.Chatbot},
				"issuerRef":  map[string]any{"name": p.TLS.Issuer, "kind": p.TLS.IssuerKind, "group": "cert-manager.io"},
			}},
		}, opts...)
		if err != nil {
			return fmt.Errorf("declaring the certificate: %w", err)
		}
	}
	var public []Service
	for _, s := range Services() {
		if s.Public {
			public = append(public, s)
		}
	}
	if p.Traffic == "ingress" {
		return ingress(ctx, cfg, public, meta, opts)
	}
	listeners := []map[string]any{{"name": "http", "protocol": "HTTP", "port": 80, "allowedRoutes": map[string]any{"namespaces": map[string]any{"from": "Same"}}}}
	for _, s := range public {
		listeners = append(listeners, map[string]any{
			"name": s.App + "-https", "protocol": "HTTPS", "port": 443, "hostname": p.publicHost(s),
			"tls":           map[string]any{"mode": "Terminate", "certificateRefs": []map[string]any{{"kind": "Secret", "name": p.TLSSecretName()}}},
			"allowedRoutes": map[string]any{"namespaces": map[string]any{"from": "Same"}},
		})
	}
	gw, err := apiextensions.NewCustomResource(ctx, GatewayName, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"), Kind: pulumi.String("Gateway"), Metadata: meta(GatewayName),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{"gatewayClassName": p.GatewayClass, "listeners": listeners}},
	}, opts...)
	if err != nil {
		return fmt.Errorf("declaring the gateway: %w", err)
	}
	routeOpts := append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{gw}))
	for _, s := range public {
		_, err := apiextensions.NewCustomResource(ctx, s.Name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"), Kind: pulumi.String("HTTPRoute"), Metadata: meta(s.Name),
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"parentRefs": []map[string]any{{"name": GatewayName, "sectionName": s.App + "-https"}},
				"hostnames":  []string{p.publicHost(s)},
				"rules":      []map[string]any{{"backendRefs": []map[string]any{{"name": s.Name, "port": s.Port}}}},
			}},
		}, routeOpts...)
		if err != nil {
			return fmt.Errorf("declaring the route of %s: %w", s.Name, err)
		}
	}
	_, err = apiextensions.NewCustomResource(ctx, "todo-app-https-redirect", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"), Kind: pulumi.String("HTTPRoute"), Metadata: meta("todo-app-https-redirect"),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"parentRefs": []map[string]any{{"name": GatewayName, "sectionName": "http"}},
			"hostnames":  []string{p.Hosts.Web, p.Hosts.Chatbot},
			"rules": []map[string]any{{"filters": []map[string]any{{"type": "RequestRedirect",
				"requestRedirect": map[string]any{"scheme": "https", "statusCode": 301}}}}},
		}},
	}, routeOpts...)
	if err != nil {
		return fmt.Errorf("declaring the redirect to HTTPS: %w", err)
	}
	return nil
}

// ingress is the Ingress form of traffic: one object, both hosts, TLS.
func ingress(ctx *pulumi.Context, cfg *Config, public []Service, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	p := cfg.Production
	var rules networkingv1.IngressRuleArray
	for _, s := range public {
		rules = append(rules, &networkingv1.IngressRuleArgs{Host: pulumi.String(p.publicHost(s)), Http: &networkingv1.HTTPIngressRuleValueArgs{
			Paths: networkingv1.HTTPIngressPathArray{&networkingv1.HTTPIngressPathArgs{Path: pulumi.String("/"), PathType: pulumi.String("Prefix"),
				Backend: &networkingv1.IngressBackendArgs{Service: &networkingv1.IngressServiceBackendArgs{
					Name: pulumi.String(s.Name), Port: &networkingv1.ServiceBackendPortArgs{Name: pulumi.String("http")}}}}},
		}})
	}
	spec := &networkingv1.IngressSpecArgs{
		Tls:   networkingv1.IngressTLSArray{&networkingv1.IngressTLSArgs{Hosts: pulumi.ToStringArray([]string{p.Hosts.Web, p.Hosts.Chatbot}), SecretName: pulumi.String(p.TLSSecretName())}},
		Rules: rules,
	}
	if p.IngressClass != "" {
		spec.IngressClassName = pulumi.String(p.IngressClass)
	}
	if _, err := networkingv1.NewIngress(ctx, GatewayName, &networkingv1.IngressArgs{Metadata: meta(GatewayName), Spec: spec}, opts...); err != nil {
		return fmt.Errorf("declaring the ingress: %w", err)
	}
	return nil
}

// BackendPriorityClass is the backend's PriorityClass in a production
// stack (cluster-wide, so it carries the namespace).
func BackendPriorityClass(namespace string) string { return "todo-app-" + namespace + "-backend" }

// priorityClass lets the backend, which every request needs, preempt
// lower-priority pods when a lost node leaves the cluster short.
func priorityClass(ctx *pulumi.Context, cfg *Config, opts []pulumi.ResourceOption) (pulumi.Resource, error) {
	name := BackendPriorityClass(cfg.Namespace)
	pc, err := schedulingv1.NewPriorityClass(ctx, name, &schedulingv1.PriorityClassArgs{
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(name), Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("todo-app")}},
		Value:       pulumi.Int(100000),
		Description: pulumi.String("todo-app's backend: every page and the assistant need it"),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("declaring the backend's priority class: %w", err)
	}
	return pc, nil
}

// serviceMonitors publish each app's metrics port on a headless Service of
// its own (the app's Service never carries it) and ask a Prometheus
// Operator to scrape them.
func serviceMonitors(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	for _, s := range Services() {
		name := s.Name + "-metrics"
		m := meta(name)
		m.Labels = pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("todo-app"), "todo-app.dev/metrics": pulumi.String(s.Label)}
		if _, err := corev1.NewService(ctx, name, &corev1.ServiceArgs{Metadata: m, Spec: &corev1.ServiceSpecArgs{
			ClusterIP: pulumi.String("None"), Selector: pulumi.StringMap{"app": pulumi.String(s.Label)},
			Ports: corev1.ServicePortArray{&corev1.ServicePortArgs{Name: pulumi.String("metrics"), Port: pulumi.Int(cfg.Metrics.Port), TargetPort: pulumi.String("metrics")}},
		}}, opts...); err != nil {
			return fmt.Errorf("declaring the metrics service of %s: %w", s.Name, err)
		}
		if _, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"), Kind: pulumi.String("ServiceMonitor"), Metadata: meta(name),
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"selector":  map[string]any{"matchLabels": map[string]any{"todo-app.dev/metrics": s.Label}},
				"endpoints": []map[string]any{{"port": "metrics", "path": "/metrics", "interval": "30s"}},
			}},
		}, opts...); err != nil {
			return fmt.Errorf("declaring the service monitor of %s: %w", s.Name, err)
		}
	}
	return nil
}
