package stack

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// networkPolicies: the backend takes traffic on 8000 only from the two
// frontends; the in-cluster database only from the backend.
func networkPolicies(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	from := func(apps ...string) networkingv1.NetworkPolicyPeerArray {
		var peers networkingv1.NetworkPolicyPeerArray
		for _, a := range apps {
			peers = append(peers, &networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String(a)}}})
		}
		return peers
	}
	policy := func(name, target string, port int, peers networkingv1.NetworkPolicyPeerArray) error {
		_, err := networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
			Metadata: meta(name),
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String(target)}},
				PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
				Ingress: networkingv1.NetworkPolicyIngressRuleArray{&networkingv1.NetworkPolicyIngressRuleArgs{
					From:  peers,
					Ports: networkingv1.NetworkPolicyPortArray{&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(port)}},
				}},
			},
		}, opts...)
		return err
	}
	if err := policy("backend-policy", "backend", 8000, from("frontend-web", "frontend-chatbot")); err != nil {
		return err
	}
	if !cfg.ExternalDB {
		return policy("postgres-policy", "postgres", 5432, from("backend"))
	}
	return nil
}
