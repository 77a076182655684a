import Foundation
import HTTPTypes
import Hummingbird
import Lessons
import Logging
import Notebook
import NIOCore

/// `cnnlearn serve`: the lessons as notebooks over HTTP.
///
/// Any web page the user opens can send requests to localhost, so every request must carry the
/// token printed in the URL (`?token=...` once, then a cookie; POSTs also in a header, which a
/// cross-site form cannot set), and its Host header must name this server (a DNS-rebinding page
/// has its own host name there). Bodies, run time and sessions are bounded.
public struct NotebookServer: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// The longest a cell may run, in seconds.
        public var cellTimeLimit: Double
        /// The largest request body accepted, in bytes.
        public var maxRequestBytes: Int
        /// The secret every request must carry.
        public var token: String

        public init(host: String = "127.0.0.1", port: Int = 8765, cellTimeLimit: Double = 300,
                    maxRequestBytes: Int = 1 << 20, token: String? = nil) {
            self.host = host; self.port = port; self.cellTimeLimit = cellTimeLimit
            self.maxRequestBytes = maxRequestBytes
            self.token = token ?? Random.hex(bytes: 24)
        }
    }

    public let library: LessonLibrary
    public let settings: Settings

    public init(library: LessonLibrary, settings: Settings) {
        self.library = library
        self.settings = settings
    }

    /// Serves until the process gets SIGINT or SIGTERM. `ready` is called with the port once
    /// the socket is bound (the port may have been 0: any free one).
    public func run(ready: @escaping @Sendable (Int) -> Void) async throws {
        let router = makeRouter(port: { PortBox.shared.port })
        var logger = Logger(label: "cnnlearn.serve")
        logger.logLevel = .warning
        let app = Application(router: router,
                              configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  PortBox.shared.port = port
                                  ready(port)
                              },
                              logger: logger)
        try await app.runService()
    }

    /// The router with every route and the guard in front of them. `port` gives the bound port,
    /// which the Host check needs.
    func makeRouter(port: @escaping @Sendable () -> Int) -> Router<BasicRequestContext> {
        let router = Router()
        let store = SessionStore()
        let settings = self.settings
        let library = self.library
        router.add(middleware: Guard(token: settings.token, host: settings.host, port: port))

        router.get("/") { _, _ -> Response in
            let nonce = Random.hex(bytes: 16)
            let mode = PageMode.served(session: "", token: settings.token, nonce: nonce)
            let page = IndexPage(entries: library.entries(), mode: mode, href: { "/lessons/\($0.name)" }).render()
            return Self.html(page, mode: mode)
        }

        router.get("/lessons/:name") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let entry: LessonLibrary.Entry
            let document: LessonDocument
            do {
                entry = try library.find(name)
                document = try LessonDocument(contentsOf: entry.path)
            } catch let error as LessonError {
                return Self.problem(.notFound, "\(error.message)", hint: error.hint ?? "the index lists the lessons: /")
            } catch {
                return Self.problem(.notFound, "\(error)")
            }
            let session = NotebookSession(document: document, timeLimit: settings.cellTimeLimit)
            let box = SessionBox(id: Random.hex(bytes: 16), lessonName: entry.name, session: session)
            await store.add(box)
            // The page shows every cell as run when it opened: run the lesson once.
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                if box.begin() { box.start({ $0.runAll() }, done: { c.resume() }) } else { c.resume() }
            }
            let entries = library.entries()
            let k = entries.firstIndex(of: entry)
            let link = { (e: LessonLibrary.Entry) in LessonLink(title: e.title, href: "/lessons/\(e.name)") }
            let nonce = Random.hex(bytes: 16)
            let mode = PageMode.served(session: box.id, token: settings.token, nonce: nonce)
            let page = LessonPage(document: box.document, views: box.views, mode: mode,
                                  index: LessonLink(title: "All lessons", href: "/"),
                                  previous: k.flatMap { $0 > 0 ? link(entries[$0 - 1]) : nil },
                                  next: k.flatMap { $0 + 1 < entries.count ? link(entries[$0 + 1]) : nil })
            return Self.html(page.render(), mode: mode)
        }

        router.post("/api/run") { request, _ -> Response in
            let body: RunRequest
            switch await Self.decode(RunRequest.self, request, limit: settings.maxRequestBytes) {
            case .success(let b): body = b
            case .failure(let r): return r.response
            }
            guard let box = await store.get(body.session) else {
                return Self.problem(.notFound, "this page's session has ended (the server restarted, or too many pages were opened)",
                                    hint: "reload the page to start a new session")
            }
            guard (1...max(box.cellCount, 1)).contains(body.cell), box.cellCount > 0 else {
                return Self.problem(.badRequest, "there is no cell \(body.cell) in this lesson (it has \(box.cellCount))")
            }
            guard box.begin() else {
                return Self.problem(.conflict, "a cell of this page is still running", hint: "wait for it to finish, or press Stop")
            }
            let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
            let codes = body.codes ?? [:]
            let cell = body.cell, rest = body.rest ?? false
            box.start({ session in
                let send: (NotebookEvent) -> Void = { continuation.yield($0.serverSentEvent) }
                // Edited code for every cell the page sent, then the run.
                for (key, code) in codes {
                    if let n = Int(key), n != cell, (1...session.cellCount).contains(n) { session.setCode(cell: n, code) }
                }
                if rest { session.runFrom(cell: cell, code: codes[String(cell)], events: send) }
                else { session.run(cell: cell, code: codes[String(cell)], events: send) }
            }, done: { continuation.finish() })
            var headers = Self.commonHeaders
            headers[.contentType] = "text/event-stream; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for await event in stream { try await writer.write(ByteBuffer(string: event)) }
                try await writer.finish(nil)
            })
        }

        router.post("/api/stop") { request, _ -> Response in
            switch await Self.decode(SessionRequest.self, request, limit: settings.maxRequestBytes) {
            case .failure(let r): return r.response
            case .success(let body):
                guard let box = await store.get(body.session) else { return Self.problem(.notFound, "no such session") }
                box.requestStop()
                return Self.ok(["stopping": box.isBusy])
            }
        }

        router.post("/api/reset") { request, _ -> Response in
            switch await Self.decode(SessionRequest.self, request, limit: settings.maxRequestBytes) {
            case .failure(let r): return r.response
            case .success(let body):
                if let box = await store.remove(body.session) { box.requestStop() }
                return Self.ok(["reset": true])
            }
        }
        return router
    }

    struct RunRequest: Decodable {
        var session: String
        var cell: Int
        var rest: Bool?
        /// Cell number (as text) -> the code the page has for it.
        var codes: [String: String]?
    }

    struct SessionRequest: Decodable { var session: String }

    static let commonHeaders: HTTPFields = [
        .cacheControl: "no-store",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    static func html(_ page: String, mode: PageMode) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[HTTPField.Name("Content-Security-Policy")!] = PageShell.contentSecurityPolicy(mode)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func ok(_ fields: [String: Bool]) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: HTML.json(fields))))
    }

    /// A refusal: JSON `{"error": ..., "hint": ...}` for the page's script to show.
    static func problem(_ status: HTTPResponse.Status, _ message: String, hint: String? = nil) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "application/json"
        var fields = ["error": message]
        if let hint { fields["hint"] = hint }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: HTML.json(fields))))
    }

    /// Reads a JSON body of at most `limit` bytes.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async -> Result<T, ResponseBox> {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            return .failure(ResponseBox(problem(.contentTooLarge, "the request is larger than the server accepts (\(limit / 1024) KiB)",
                                                hint: "a cell's code must be shorter")))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)))
        } catch {
            return .failure(ResponseBox(problem(.badRequest, "the request is not the JSON this server expects")))
        }
    }
}

/// A response as a `Result` failure.
struct ResponseBox: Error, @unchecked Sendable {
    let response: Response
    init(_ r: Response) { response = r }
}

/// The port the server bound, for the Host check (known only once the socket is bound).
final class PortBox: @unchecked Sendable {
    static let shared = PortBox()
    private let lock = NSLock()
    private var value = 0
    var port: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// Refuses requests without the token or with a Host header that is not this server.
struct Guard<Context: RequestContext>: RouterMiddleware {
    let token: String
    let host: String
    let port: @Sendable () -> Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let p = port()
        // Bound to every address (--host 0.0.0.0 or ::), the server cannot know the names other
        // machines reach it by: the token alone guards it, as the warning at start says.
        let wildcard = host == "0.0.0.0" || host == "::"
        let names = Set(["127.0.0.1", "localhost", "[::1]", host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host])
        let allowed = Set(names.map { "\($0):\(p)" })
        guard let h = request.head.authority?.lowercased(), wildcard || allowed.contains(h) else {
            return NotebookServer.problem(.forbidden, "the Host header '\(request.head.authority ?? "")' does not name this server",
                                          hint: "open the URL cnnlearn serve printed; other host names are refused against DNS rebinding")
        }
        let query = request.uri.queryParameters["token"].map(String.init)
        let cookie = TokenCheck.cookie(request.headers[.cookie] ?? "", "cnnlearn-token")
        let header = request.headers[HTTPField.Name("X-CNNLearn-Token")!]
        let carries: Bool
        if request.method == .get || request.method == .head {
            carries = TokenCheck.same(query, token) || TokenCheck.same(cookie, token)
        } else {
            // A POST must carry the token in a header, which only the page's own script sets.
            carries = TokenCheck.same(header, token) && (TokenCheck.same(cookie, token) || TokenCheck.same(query, token))
        }
        guard carries else {
            return NotebookServer.problem(.forbidden, "this request does not carry the notebook's token",
                                          hint: "open the URL cnnlearn serve printed, which ends in ?token=...")
        }
        var response = try await next(request, context)
        if TokenCheck.same(query, token), !TokenCheck.same(cookie, token) {
            response.headers.append(HTTPField(name: .setCookie, value: "cnnlearn-token=\(token); Path=/; HttpOnly; SameSite=Strict"))
        }
        return response
    }
}

/// The token's comparisons.
enum TokenCheck {
    static func cookie(_ header: String, _ name: String) -> String? {
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces)
            if kv.hasPrefix(name + "=") { return String(kv.dropFirst(name.count + 1)) }
        }
        return nil
    }

    /// Compares without stopping at the first differing byte.
    static func same(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in x.indices { d |= x[i] ^ y[i] }
        return d == 0
    }
}
