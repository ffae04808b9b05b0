// OpenSSL's libcrypto (Debian libssl-dev): the program's one library for hashes and
// message authentication.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
