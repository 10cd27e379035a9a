// Signs one request with the installed headers and prints the signature.
#include <cirrus/auth/sigv4.hpp>

#include <chrono>
#include <cstdio>

int main() {
    namespace sigv4 = cirrus::auth::sigv4;
    using namespace std::chrono;
    sigv4::signer signer;
    sigv4::header headers[] = {{"host", "example.amazonaws.com"}};
    sigv4::signature_headers out;
    auto ec = signer.sign({"GET", "/", "", headers},
                          {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}, {}},
                          {.region = "us-east-1", .service = "service",
                           .time = sys_days{year{2015} / 8 / 30} + 12h + 36min},
                          out);
    if (ec) return 1;
    std::printf("%.*s\n", static_cast<int>(out.signature.size()), out.signature.data());
    // The suite's get-vanilla signature.
    return out.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" ? 0 : 2;
}
