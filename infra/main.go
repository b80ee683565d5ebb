// Command infra is the Pulumi program that builds the three images and
// declares todo-app on Kubernetes. Run it with `pulumi up` from the
// repository root (Pulumi.yaml points here) or `make up`.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/todo-app/todo-app/infra/stack"
)

func main() { pulumi.Run(stack.Program) }
