import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Lessons
@testable import NotebookServer

/// `cnnlearn serve`'s server in this process, on a free port, asked as a page and as an
/// attacker would ask it.
@Suite(.serialized) struct ServerTests {
    static let token = "0123456789abcdef0123456789abcdef"

    /// Starts the server on a lessons folder of one small lesson; returns its base URL.
    static func start() async throws -> (String, Task<Void, Error>) {
        let dir = NSTemporaryDirectory() + "cnnlearn-serve-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "# Small\n\n```cnn\nx = [[1, 2], [3, 4]]\nx * 2\n```\n\n```output\n2 4\n6 8\n```\n\n```cnn\nsum(x)\n```\n\n```output\n10\n```\n"
            .write(toFile: dir + "/01-small.md", atomically: true, encoding: .utf8)
        let server = NotebookServer(library: LessonLibrary(folder: dir),
                                    settings: .init(port: 0, maxRequestBytes: 4096, token: token))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return ("http://127.0.0.1:\(port)", task)
    }

    static func request(_ url: String, method: String = "GET", body: String? = nil, headers: [String: String] = [:]) async throws -> (Int, String, [String: String]) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = method
        r.httpBody = body.map { Data($0.utf8) }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let http = response as! HTTPURLResponse
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h["\(k)".lowercased()] = "\(v)" }
        return (http.statusCode, String(decoding: data, as: UTF8.self), h)
    }

    @Test func theTokenGuardsEveryRequestAndAPageRunsItsCells() async throws {
        let (base, task) = try await Self.start()
        defer { task.cancel() }
        let cookie = ["Cookie": "cnnlearn-token=\(Self.token)"]
        #expect(try await Self.request(base + "/").0 == 403)
        #expect(try await Self.request(base + "/?token=wrong").0 == 403)
        let (status, index, headers) = try await Self.request(base + "/?token=\(Self.token)")
        #expect(status == 200)
        #expect(index.contains("<a href=\"/lessons/small\">Small</a>"))
        #expect(headers["set-cookie"] == "cnnlearn-token=\(Self.token); Path=/; HttpOnly; SameSite=Strict")
        #expect(headers["content-security-policy"]?.contains("script-src 'nonce-") == true)

        let (ps, page, _) = try await Self.request(base + "/lessons/small", headers: cookie)
        #expect(ps == 200)
        #expect(page.contains("✓ matches the expected output"))
        let session = try #require(page.firstMatch(of: /cnnlearn-session" content="([0-9a-f]+)"/)?.1)

        // A POST needs the token header too (a form on another site can send the cookie, not a header).
        let body = "{\"session\":\"\(session)\",\"cell\":2,\"codes\":{\"2\":\"sum(x) * 3\"}}"
        #expect(try await Self.request(base + "/api/run", method: "POST", body: body, headers: cookie).0 == 403)
        let post = cookie.merging(["X-CNNLearn-Token": Self.token, "Content-Type": "application/json"]) { a, _ in a }
        let (rs, events, rh) = try await Self.request(base + "/api/run", method: "POST", body: body, headers: post)
        #expect(rs == 200)
        #expect(rh["content-type"] == "text/event-stream; charset=utf-8")
        #expect(events.hasPrefix("event: printed\ndata: {\"cell\":2,\"text\":\"30\\n\"}\n\nevent: finished\n"))
        #expect(events.contains("\"outcome\":\"mismatch\""))

        // Bounded: a body over the limit, a cell that does not exist, a session that does not.
        let huge = "{\"session\":\"\(session)\",\"cell\":1,\"codes\":{\"1\":\"\(String(repeating: "x", count: 5000))\"}}"
        let (hs, hb, _) = try await Self.request(base + "/api/run", method: "POST", body: huge, headers: post)
        #expect(hs == 413)
        #expect(hb.contains("larger than the server accepts"))
        #expect(try await Self.request(base + "/api/run", method: "POST", body: "{\"session\":\"\(session)\",\"cell\":9}", headers: post).0 == 400)
        #expect(try await Self.request(base + "/api/run", method: "POST", body: "{\"session\":\"nope\",\"cell\":1}", headers: post).0 == 404)
        #expect(try await Self.request(base + "/api/run", method: "POST", body: "not json", headers: post).0 == 400)
        #expect(try await Self.request(base + "/lessons/nope", headers: cookie).0 == 404)
    }

    @Test func tokensCompareWholly() {
        #expect(TokenCheck.same("abc", "abc"))
        #expect(!TokenCheck.same("abd", "abc"))
        #expect(!TokenCheck.same("ab", "abc"))
        #expect(!TokenCheck.same(nil, "abc"))
        #expect(TokenCheck.cookie("a=1; cnnlearn-token=xyz; b=2", "cnnlearn-token") == "xyz")
        #expect(TokenCheck.cookie("cnnlearn-token2=xyz", "cnnlearn-token") == nil)
    }
}
