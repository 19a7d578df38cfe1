package thrift

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
