// Compiled by tests/compile_fail/check.cmake: a client templated on a provider rejects, at
// compile time and with the concept's name, a call the provider cannot serve.
// CIRRUS_EXPECT_OK compiles the same calls with a provider that has the features.

#include <cirrus/provider/all.hpp>

namespace {

template <cirrus::provider::Provider P>
struct object_client {
    int put_object_acl()
        requires cirrus::provider::supports_acls<P>
    {
        return 1;
    }
    int put_object_retention()
        requires cirrus::provider::supports_object_lock<P>
    {
        return 2;
    }
};

} // namespace

int main() {
#ifdef CIRRUS_EXPECT_OK
    object_client<cirrus::provider::aws> c;
#else
    object_client<cirrus::provider::r2> c; // R2 has neither ACLs nor object lock
#endif
    return c.put_object_acl() + c.put_object_retention();
}
