// Fixed RSA test keys for fuzz_rsa_verify, made once with
// `openssl genrsa -traditional <bits>`: small (fast private operations) and of
// sizes chosen so that modBits - 1 mod 8, which decides the top byte of a PSS
// encoding (RFC 8017 §9.1.1 emBits), takes the values 0, 3, 6, 7 and 0 again
// with a longer modulus. Embedded, not generated: every crash reproducible.
// Test keys only.
#pragma once

namespace jve_fuzz {

struct RsaTestKey {
  int bits;
  const char* pem;  // PKCS#1 "RSA PRIVATE KEY"
};
inline constexpr char kRsa1025[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXAIBAAKBgQFqVROTvVK9PdugcMwD3Un97XIZzgPJOZo0dXfD5in+Rp/023kg\n"
    "11u0+OgGaR+4tfQFCu3xy/k1vSPPS4lVMLKsck10x0mwD00pNcJpUCcmiZK0fM+Y\n"
    "U9pkDneaknmXgqnAsdnyI0CphUKSLpCH2PHw4YIMjqK1NXvSDyqK5VFSrQIDAQAB\n"
    "AoGBALsI67Ap3Jn/Ym3xi/66rkU72thjNiUbbPSDZq1jFG5DurJE0MQZJyfGDM+y\n"
    "WEOa+TnZKHbWmfAZkHCjR2MIXlG+RuNDtAKqPkAWSvwnDyXvsHLo+1dx/RaQPW1F\n"
    "fGYkxmXRCML2+2NoD6He9QCbm+vkv55g/u+ZrVKLvOEgwz5pAkEBxmf362dQ6gRV\n"
    "GDUuLpjFuJF/4s3+CfuF7OkGQkgafqKVCwhsOQfz18SrSqfPoXjPQvpWraSRbSwl\n"
    "U8Bi2fqzywJBAMwgzaRzvFeKCmYVTUbp1BMMeeRBEtMi7GCyuWanyEksZZsdd8+/\n"
    "pVoMJsx9SHldYOBajkRqmqynTUFzOwaRdGcCQBgWVswBtAZTqHcaCpKpwoFgJRlO\n"
    "thKtZJIEYDKPQ+hGkgP9tE7pnwFnCXVxo835a3MvdfzKZnMVDf18i0DmyzUCQCew\n"
    "zSuH0XxX+/OjerYqKzFVALJwML/bD4kx1zjtsNUBi/QgQ7aidf1PVY/3YEsw6/BT\n"
    "y0vkSpT9ptjuFfEOAUsCQAPCZLk627lZ+tGBe/ayovLQerEsZZdZYmNddMxnsgG6\n"
    "Nqx/nrAjO25pUNcfmCTHX1htggBfXFMo3BVWZ9uDaec=\n"
    "-----END RSA PRIVATE KEY-----\n";
inline constexpr char kRsa1028[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXgIBAAKBgQ1U7UDHG+TtU0zFufEK+rbFBs4D3jH99e7Rb6oOR3rfGp9fzXnR\n"
    "+cPghANF1l8ldp8QHyqh0oUu/v7y8Zayv2pxbvkTairC7IXvg6copUS3i9tYVFRN\n"
    "OpJ5Y/fpEcHXG7vdZmlxnIRxC7hajnZ7v8mwth+xZZQdsROst0ExP3E+GwIDAQAB\n"
    "AoGBBSLtbgHIq4EMkQ21QDt8sSJkJseyugwgzux+W0S5IYwH09OzdPYDhwZflms3\n"
    "1ty2QT6S43gJhiq/MDcmAWvI+BT/RK8X4Fi+oCvywipF4Tu3OOMKY0G3L6L0Q+Uq\n"
    "RRIFwTkMXN3zBl+CJj7442eNiPcLaAOb4e45tt7c92grsE4hAkEDzxsygo697kwK\n"
    "XuoAoMONjcNRsxWaO/1Z4yLbhXy0EpF4poJ1sHd+gkyuvPTuySpenOXQd366geUw\n"
    "59mlpTY9CQJBA4ADsSA6qYhtK54jM356IcaRldCRpvxg/SeVY2E4GHu4JL0VqLnH\n"
    "sf00v8J6EFmr3c4MNDrbmKOAPE21ZfojDwMCQQE7oxQgitAUOO0KeDin0WUaxGTH\n"
    "0XBRhtr32Sqx9QHdGNWzIHu0GZoL14Kgi7BX0a06oHFwnMcGkQfZpOwnpHzxAkEB\n"
    "Km4QXK+tL6dM08rdp8592Wk8AM/CUmTrbHexNfw9C1f1xJSmMdp1SeR7ygZl07gO\n"
    "lEY0TzY8zJg1fZxhbsKmiQJAFjz8X4F3c8bjaen7dsso1+PsWbQVeby8ytdD0xKC\n"
    "29ONiK2zI7c/IHvw0qcmYHnL+uH4uVhRGomfqMqM4XF27w==\n"
    "-----END RSA PRIVATE KEY-----\n";
inline constexpr char kRsa1031[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXwIBAAKBgV3QiZT6UwVbO1vYkGhgOJ6AswVp20KgvSVTE3wjIqaGz+Crz3Ev\n"
    "c5wHleZYAr5VYegF/Ksm0qVTKQfzkkVIS/SMiinMdvFJfyWbhVvgA/7FvHbB/htK\n"
    "yPGQC/IB+3qVWKgqwlSXcwEdiqR0mjUgrAItG0sb2zTd/rfMkwgUKk9LHwIDAQAB\n"
    "AoGBJ1we3QpJWq30MYyiyafVGWsVsOfAviuCL+6y9honp4ZYIQL0faBS+NuV4JZ8\n"
    "UC6ybQ5V+9jF9+b0CAoBDGBQvbjoo4Ydaw9xIlp2sKhwKo7dEVddMhN+1Us3fWVv\n"
    "8VUUU+BGLKCYzcNJOUoKSSpFjFcpxnrdpPaXfie+6gJZdUuBAkEMxD/8RiUcdeph\n"
    "kKqhKdUQ/bFnQ0JZmw6w+LETwYhVw1S6wFjeNpY/2z2Cw9b5LPod6VVs/8sy24zL\n"
    "mtPSEyF7CQJBB1kzVxJSpeJCfgYqvH+QIUVvbwDGKnLZw+ss/2HhhG2K9Zy26YZ4\n"
    "KRJsM976YNxMPhAXdJKRxpSP76Rkz0dylucCQQWOAhUe5BjNCWzoCAXVcLpS17SJ\n"
    "ZD4epDbGDi39X/eI5L3Y4RHWiGtCVjImScvjEPSgyKWDaoM3WbxhIlbeMgwZAkEA\n"
    "w3LDFCNEGtrfrxJXnUVDP6yRMtpj5KTdZxy4t9mvYZYzaIHUh2UKl2Bojz0iPSEq\n"
    "vY9CTEwa/qppsoHKy1iLdwJBATFmfgB4duJ8Hvq2xBMWOzp2lWSXh9VqwNajkzvd\n"
    "hEKOc1GgQ7fEluyLUz3YFivqSQ4EVC2Ind5e0O88grW3IuI=\n"
    "-----END RSA PRIVATE KEY-----\n";
inline constexpr char kRsa1032[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICYAIBAAKBggC0xUFiSsTooqAxAaJWReQ5m0bAz4AURR83VmnBMZWDpwPG2lUn\n"
    "CnjqwAx9Q6f57W8by0xQIg6qZ6Jk/kDY6L4pM5lwUqHzGPEiSnSw07ZortinA8ct\n"
    "JbQBPXZekS8x561/xVRQIgixcE839l+2+NoFo4i65hnh+dwyBDEGJa64Mw0CAwEA\n"
    "AQKBgSAThGeZltkkykIH5TNj0Xx7VhGugC6YmVJrbfaPAtXKk/v8D/IOhKg7DbxI\n"
    "fgz2GaoX5+GsOWf5XbKH/x++JMgMCvRbC2aXKzQgZdFD3vKqSCjtXqj41z3AAvVD\n"
    "cjQRprIGVmWgHD4W36mJ51CThw/DobNeTlzI/lAQQ6vCC770jQJBDqPq/IdMgVxO\n"
    "HJxVDq61NGBazHi7I4b5MmLHVsHcY2Q9bwrnLmYFncvw4lYHGqaqBZ7ug2nOfsxx\n"
    "liaawYbXBasCQQxY8vGYBzLfRf/4J21o8mOfkONJ0J0EZxgG8t0C/tQ+9rfuZ7rS\n"
    "BMzRENhzCPvcganmj/UFM7OGbXJW2fOQwQInAkEKQ8e4cyyi7pMd4EaK2tfV91Dy\n"
    "WBvt1u7V8wgMvjPFxDyGpMBeec2qS5mDOAoXF4/SDRLyNLdBlBp3ym1rDx2nrQJB\n"
    "Co00x3qYpEOjKTQiVWA6yyHACku5J4VsqF6/yljV9gD8i4ADSuZQzcrXb3EWu0zb\n"
    "zZpHaSaR4Re+jdhklr0cAz8CQQUad46CUsmlCJeH9IyeAi8ZbeJfch22/ETChIFJ\n"
    "snilJ3ChY3NMW2HWzs6n/6v7G4ZFijLSUbcA0lFU0Xy3d34d\n"
    "-----END RSA PRIVATE KEY-----\n";
inline constexpr char kRsa1537[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIDfgIBAAKBwQGw7pgYjnEGdSSe7xjdLHdCGgVO9qMPry0shifId2ZrYzxx+53P\n"
    "ze86u9iB+M9ZomhF8LRNBtLli7LyjtQ93tbFYcYLDtCSL90Z1XDp3ZBaW3N4gsAF\n"
    "WMNKPW/XYNaXjoUED+I8SDXl0y6bWEz6a2OLzhZ3ikaagBcQPAT1bA31CatxmGBm\n"
    "Ch4n8Uwz/QJO8BfYTrVBW79xDMuKq02Fw3cMPobbn+NPOAJP+KZmcegsK0r4Fwsn\n"
    "cufaOg7+Ax1OT+MCAwEAAQKBwQC3soWW5dnPg6UmSw2hy1xPD/twpfZKkWn5mnMG\n"
    "/KLYriLXuowbwKXhphMYExroTaExDBF1HZAfFke35CLqncNDvVjrGD4nyWdnrsla\n"
    "ckjuDh/Q4qnXmvJCbg8mtFBZvn5CBTaOVCeovEdzEhaNUxRiXId7FBM5LgRRG6C3\n"
    "sSnBDmlInPhH5XjNC/T9WcbE0uZ/BUUfc8igZVmX+09SzAkUkUPIzmtDAxqJmVm3\n"
    "YPnm+ARCOPKXkb2qYBLDGnvWAQECYQHr8iKatFG9Zm3YIIfNrq+xFevdqJ9CiHou\n"
    "+C2GHGmXhMjq4dpstDp4KYPlI8I8ijJaqrEkDJ/daTCXbdo5cEsCK+ymzq3bdVZJ\n"
    "+DNnYvjh3E0/hIKcF2angvK33pftNy0CYQDhSkza7KfLl51FMTNbfQ4YuPWm4mfi\n"
    "ae/2eeHcvAnU5pgTw8WPmQzCS72d9TLUAL9S0QzopHsCRt1B/4TYAQTaZqGgLO/E\n"
    "pA6YOwrZ/RmjZ6In9CVo2bBeVevuhuyhDU8CYQES+U0OXCw0ScSsQcKm3TWnLjGg\n"
    "vFgIwHBLQL1xcQA0iSwk3glRKYxlDg+DTPGNFVIAC9jn5YaWI+3dNrH72SCUHikx\n"
    "M+VJ/dQ1lF5nM5MZ7CHhlxfKV+oxR6iTzf/twCECYCDdDckBrJhuTWrCepNl8qB4\n"
    "mpz1eeH1QiPaM7BXXbfIy3ZWoIMJ+Gp/UfGwyvFSCpayGAf3tlnmrG/sLhy0SVjy\n"
    "j7El3PP6WoaqVjLmUM8dVvItEyfwWWHpdrkcxXfY0QJhAQ+q24P5s/gXkSDY55L5\n"
    "w1BaVzpRRB99et7kPoJwGxHbDW1ExFgkZENzYFLyD0x9p3xf0edDt2aouFlMo6NY\n"
    "+5352F+BtYad/rJ8Z5GKQ8sLF3FGTDUNtPa3NStZJxiTjQ==\n"
    "-----END RSA PRIVATE KEY-----\n";

inline constexpr RsaTestKey kRsaTestKeys[] = {
    {1025, kRsa1025},
    {1028, kRsa1028},
    {1031, kRsa1031},
    {1032, kRsa1032},
    {1537, kRsa1537},
};

}  // namespace jve_fuzz
