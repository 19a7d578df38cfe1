package thrift

import "context"

// MethodInfo describes one method of a generated service.
type MethodInfo struct {
	// Name is the method name as it travels in the message header.
	Name string
	// Oneway is true for oneway methods: no reply is sent.
	Oneway bool
	// NewArgs returns a new, empty <method>_args struct.
	NewArgs func() FastCodec
	// NewResult returns a new, empty <method>_result struct; nil for oneway methods.
	NewResult func() FastCodec
	// Handler calls the method on handler, the service's generated handler interface, with the
	// arguments in args (a NewArgs struct) and stores the outcome in result (a NewResult struct; nil for
	// oneway methods): the return value in its success field, or an exception declared in the method's
	// throws clause in that exception's field. Any other error the method returns is returned as is, and
	// the server answers it with an ApplicationException. It panics if handler does not implement the
	// service's interface or args and result are not the method's structs.
	Handler func(ctx context.Context, handler any, args, result FastCodec) error
}

// ServiceInfo describes a generated service.
type ServiceInfo struct {
	// Name is the service name from the IDL.
	Name string
	// Methods lists every method the service answers: its own first, then those inherited from Base
	// (flattened through the whole extends chain), so a server can dispatch from this list alone.
	Methods []MethodInfo
	// Base is the name of the service this one extends as written in the IDL (e.g. "shared.Base"), or "".
	Base string
}

// Method returns the method called name among s's own methods, or nil.
func (s *ServiceInfo) Method(name string) *MethodInfo {
	for i := range s.Methods {
		if s.Methods[i].Name == name {
			return &s.Methods[i]
		}
	}
	return nil
}

// Caller makes one call of a service's method: args is the method's args struct, result its result
// struct (nil for a oneway method). Generated <Service>Client types call through it; *client.Client
// implements it.
type Caller interface {
	Call(ctx context.Context, method string, args, result FastCodec) error
}
