// A name whose lookup hangs, to test that connection attempts give up on a slow system
// resolver. Linked into a test executable, this getaddrinfo() takes the place of the C
// library's for the executable's own calls (Asio's resolver thread among them): the name
// below sleeps for cirrus::test::slow_lookup_delay and then fails, without ever reaching
// a real resolver or the network; every other name goes to the next getaddrinfo (the C
// library's, or a sanitizer's interceptor in front of it).

#include "slow_lookup.hpp"

#include <dlfcn.h>
#include <netdb.h>

#include <cstring>
#include <thread>

extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                           struct addrinfo** res) {
    if (node != nullptr && std::strcmp(node, cirrus::test::slow_lookup_name) == 0) {
        std::this_thread::sleep_for(cirrus::test::slow_lookup_delay);
        return EAI_NONAME;
    }
    using next_fn = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
    static const auto next = reinterpret_cast<next_fn>(dlsym(RTLD_NEXT, "getaddrinfo"));
    if (next == nullptr) return EAI_SYSTEM;
    return next(node, service, hints, res);
}
