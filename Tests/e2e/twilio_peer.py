"""Drive a running `prehook serve` with requests signed by Twilio's own Python helper library.

Twilio's `RequestValidator` (PyPI `twilio`) computes every signature here, and Python's `http.client`
is the HTTP peer, so this proves Prehook and Twilio's code agree on signatures end to end: the
public URL with and without the default port, query strings, repeated keys, Unicode, JSON bodies
with bodySHA256, and the secondary token during a rotation.

usage: python3 twilio_peer.py PORT PUBLIC_URL TOKEN SECONDARY_TOKEN SHARED_KEY_ID SHARED_KEY_SECRET
"""
import hashlib
import http.client
import json
import random
import sys
import urllib.parse

from twilio.request_validator import RequestValidator

port, public_url, token, secondary = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
shared_id, shared_secret = sys.argv[5], sys.argv[6]
validator = RequestValidator(token)
failures = []


def send(method, path_and_query, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path_and_query, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def check(name, got, want):
    status = "ok  " if got == want else "FAIL"
    print(f"{status} {name}: {got} (want {want})")
    if got != want:
        failures.append(name)


def form_post(name, params, url=public_url, sign_with=validator, want=200, tamper=None, shared_key=None):
    """params: list of (key, value); the URL's path and query are what the server receives."""
    algorithm = "HMAC_SHA256" if shared_key else None
    signature = sign_with.compute_signature(url, _multi(params), algorithm=algorithm)
    body = urllib.parse.urlencode(params).encode()
    if tamper:
        body = tamper(body)
    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + ("?" + parsed.query if parsed.query else "")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "X-Twilio-Signature": signature,
        "User-Agent": "TwilioProxy/1.1",
    }
    if shared_key:
        headers["X-Twilio-Webhooks-Signature-Settings"] = f"key={shared_key},algorithm=HMAC_SHA256"
    status, data = send("POST", target, body, headers)
    check(name, status, want)
    return data


class _MultiDict(dict):
    """What a web framework hands RequestValidator for a form with repeated keys: `getall` gives every value."""

    def __init__(self, pairs):
        super().__init__()
        self._all = {}
        for k, v in pairs:
            self._all.setdefault(k, []).append(v)
            self[k] = v

    def getall(self, key):
        return self._all[key]


def _multi(params):
    return _MultiDict(params)


base = [("AccountSid", "AC" + "a" * 32), ("ChatServiceSid", "IS" + "a" * 32), ("ConversationSid", "CH" + "a" * 32),
        ("EventType", "onMessageAdd"), ("Source", "SDK"), ("RetryCount", "0"), ("Author", "alice"), ("Attributes", "{}")]

form_post("clean message", base + [("Body", "see you at five")])
answer = form_post("PII is rewritten", base + [("Body", "write to jane.doe@example.com")])
check("answer redacts the address", b"jane.doe" not in answer and b'"body"' in answer, True)
form_post("profanity is rejected", base + [("Body", "f u c k this")], want=403)
form_post("unicode and symbols", base + [("Body", "héllo 👋 it's \"quoted\" & 100% + more = fine")])
form_post("repeated keys", base + [("Body", "hi"), ("Media", "a"), ("Media", "b")])
form_post("empty values", base + [("Body", ""), ("MessagingBinding.Address", "")])
form_post("query string in the URL", base + [("Body", "hi")], url=public_url + "?tenant=a&x=%20y")
with_port = public_url.replace("https://gw.example.com/", "https://gw.example.com:443/")
form_post("signed with :443", base + [("Body", "hi")], url=with_port)
form_post("secondary token (rotation)", base + [("Body", "hi")], sign_with=RequestValidator(secondary))
form_post("wrong token", base + [("Body", "hi")], sign_with=RequestValidator("not-the-token"), want=403)
form_post("tampered body", base + [("Body", "pay 10")], want=403, tamper=lambda b: b.replace(b"10", b"99"))
form_post("SharedKey HMAC_SHA256", base + [("Body", "hi")], sign_with=RequestValidator(shared_secret), shared_key=shared_id)
form_post("SharedKey with an unknown id", base + [("Body", "hi")], sign_with=RequestValidator(shared_secret),
          shared_key="KY-unknown", want=403)
form_post("SharedKey signature under the auth token", base + [("Body", "hi")], shared_key=shared_id, want=403)
form_post("post-event passes", [("EventType", "onMessageAdded"), ("Body", "f u c k")])
form_post("participant with e-mail identity", [("EventType", "onParticipantAdd"), ("Identity", "jane@example.com"),
                                               ("ConversationSid", "CH1")], want=403)

# JSON body: Twilio puts bodySHA256 in the URL and signs the URL alone.
payload = json.dumps({"EventType": "onMessageAdd", "Body": "mail jane.doe@example.com", "Attributes": "{}"}).encode()
json_url = public_url + "?bodySHA256=" + hashlib.sha256(payload).hexdigest()
json_signature = validator.compute_signature(json_url, {})
check("validator accepts its own JSON signature", validator.validate(json_url, payload.decode(), json_signature), True)
parsed = urllib.parse.urlsplit(json_url)
status, data = send("POST", parsed.path + "?" + parsed.query, payload,
                    {"Content-Type": "application/json", "X-Twilio-Signature": json_signature})
check("JSON body with bodySHA256", status, 200)
check("JSON body answer redacts", b"jane.doe" not in data and b'"body"' in data, True)
status, _ = send("POST", parsed.path + "?" + parsed.query, payload.replace(b"jane", b"john"),
                 {"Content-Type": "application/json", "X-Twilio-Signature": json_signature})
check("JSON body changed after signing", status, 403)

# GET (Method=GET in the webhook configuration): the parameters are the query string.
get_url = public_url + "?" + urllib.parse.urlencode(base + [("Body", "hi")])
status, _ = send("GET", urllib.parse.urlsplit(get_url).path + "?" + urllib.parse.urlsplit(get_url).query,
                 headers={"X-Twilio-Signature": validator.compute_signature(get_url, {})})
check("GET with query parameters", status, 200)

# Randomised agreement: 300 seeded forms of awkward keys and values (Unicode, '+', '&', '=', '%',
# quotes, repeated keys, empty values), each signed by RequestValidator. onMessageRemove has no
# rewriting rules, so a good signature always gets 200; the same form with one value changed, 403.
rng = random.Random(1)
alphabet = "aZ09 +&=%?'\"<>/\\é€👋\t:#;,.-_~"
agreed = 0
for n in range(300):
    params = [("EventType", "onMessageRemove")]
    for _ in range(rng.randint(0, 8)):
        key = rng.choice(["Body", "Author", "Attributes", "MessagingBinding.Address", "X", "x", "Zz", "Media"])
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        params.append((key, value))
    url = public_url + rng.choice(["", "?a=1", "?q=%20x&b=", "?tenant=" + str(n)])
    signature = validator.compute_signature(url, _multi(params))
    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + ("?" + parsed.query if parsed.query else "")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    status, _ = send("POST", target, urllib.parse.urlencode(params).encode(), headers)
    changed = params + [("Body", "changed")]
    bad, _ = send("POST", target, urllib.parse.urlencode(changed).encode(), headers)
    if status == 200 and bad == 403:
        agreed += 1
check("random forms signed by RequestValidator: accepted, and refused once changed", agreed, 300)

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
