// jve.hpp: everything a C++ user of jve needs.
#pragma once

#include "jve/alg.h"
#include "jve/authz.h"
#include "jve/base64url.h"
#include "jve/claims.h"
#include "jve/key_set.h"
#include "jve/jwks_file.h"
#include "jve/key_source.h"
#include "jve/key_store.h"
#include "jve/multi_issuer.h"
#include "jve/policy.h"
#include "jve/result.h"
#include "jve/revocation.h"
#include "jve/status.h"
#include "jve/verifier.h"
