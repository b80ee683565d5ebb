package stack

import (
	"net/url"
	"slices"
	"strconv"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// networkPolicies give every pod an ingress and an egress policy (on a CNI
// that enforces them): the frontends take traffic on their port from
// anywhere (they are the NodePorts) and may call only the backend; the
// backend takes traffic only from the two frontends and may call only the
// database; the in-cluster database takes traffic only from the backend
// and the backup job, and calls nothing; the backup job takes no traffic
// and calls only the database. Everyone may resolve names (DNS on 53, wherever the
// cluster runs its resolver). The chatbot may also reach its model API.
// The three apps' metrics port takes scrapes from metrics.scrapeNamespace.
func networkPolicies(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	pods := func(apps ...string) networkingv1.NetworkPolicyPeerArray {
		var peers networkingv1.NetworkPolicyPeerArray
		for _, a := range apps {
			peers = append(peers, &networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String(a)}}})
		}
		return peers
	}
	ports := func(proto string, nums ...int) networkingv1.NetworkPolicyPortArray {
		var out networkingv1.NetworkPolicyPortArray
		for _, n := range nums {
			out = append(out, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String(proto), Port: pulumi.Int(n)})
		}
		return out
	}
	dns := &networkingv1.NetworkPolicyEgressRuleArgs{Ports: append(ports("UDP", 53), ports("TCP", 53)...)}
	to := func(peers networkingv1.NetworkPolicyPeerArray, port int) *networkingv1.NetworkPolicyEgressRuleArgs {
		return &networkingv1.NetworkPolicyEgressRuleArgs{To: peers, Ports: ports("TCP", port)}
	}
	// Port 0: nothing may connect (the backup job serves nothing).
	ingress := func(from networkingv1.NetworkPolicyPeerArray, port int) networkingv1.NetworkPolicyIngressRuleArray {
		if port == 0 {
			return nil
		}
		return networkingv1.NetworkPolicyIngressRuleArray{&networkingv1.NetworkPolicyIngressRuleArgs{From: from, Ports: ports("TCP", port)}}
	}
	// The apps' metrics port takes scrapes from the scrape namespace's
	// pods (Prometheus), and nothing else.
	scrapers := networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
		MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(cfg.Metrics.ScrapeNamespace)}}}}
	policy := func(name, target string, rules networkingv1.NetworkPolicyIngressRuleArray, egress ...networkingv1.NetworkPolicyEgressRuleInput) error {
		_, err := networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
			Metadata: meta(name),
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String(target)}},
				PolicyTypes: pulumi.StringArray{pulumi.String("Ingress"), pulumi.String("Egress")},
				Ingress:     rules,
				Egress:      networkingv1.NetworkPolicyEgressRuleArray(egress),
			},
		}, opts...)
		return err
	}
	database := to(pods("postgres"), 5432)
	switch {
	case cfg.ExternalDB:
		database = to(nil, cfg.DatabasePort)
	case cfg.CNPG != nil:
		// The operator's instances carry the cluster's name.
		database = to(networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{
			MatchLabels: pulumi.StringMap{"cnpg.io/cluster": pulumi.String(CNPGClusterName)}}}}, 5432)
	}
	// The services table says who is public and who calls whom.
	services := Services()
	port := map[string]int{}
	for _, svc := range services {
		port[svc.Label] = svc.Port
	}
	for _, svc := range services {
		// No From: any source (a public service is a NodePort).
		var from networkingv1.NetworkPolicyPeerArray
		if !svc.Public {
			var callers []string
			for _, other := range services {
				if slices.Contains(other.Calls, svc.Label) {
					callers = append(callers, other.Label)
				}
			}
			from = pods(callers...)
		}
		egress := []networkingv1.NetworkPolicyEgressRuleInput{dns}
		for _, callee := range svc.Calls {
			egress = append(egress, to(pods(callee), port[callee]))
		}
		if svc.CallsDatabase {
			egress = append(egress, database)
		}
		if svc.CallsModel {
			// The model API is outside the cluster (or an in-cluster
			// server such as Ollama): its port, any address.
			egress = append(egress, to(nil, modelPort(cfg.OpenAIBase)))
		}
		rules := append(ingress(from, svc.Port), ingress(scrapers, cfg.Metrics.Port)...)
		if err := policy(svc.Label+"-policy", svc.Label, rules, egress...); err != nil {
			return err
		}
	}
	if !cfg.ExternalDB && cfg.CNPG == nil {
		var clients []string
		for _, svc := range services {
			if svc.CallsDatabase {
				clients = append(clients, svc.Label)
			}
		}
		clients = append(clients, "backup")
		if err := policy("postgres-policy", "postgres", ingress(pods(clients...), 5432)); err != nil {
			return err
		}
		return policy("backup-policy", "backup", nil, dns, database)
	}
	return nil
}

// modelPort is the port of the OpenAI-compatible API the chatbot calls.
func modelPort(base string) int {
	u, err := url.Parse(base)
	if base == "" || err != nil {
		return 443
	}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}
