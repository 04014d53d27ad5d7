// Public API of the HTTP module: the only code in grove that speaks HTTP.
export {
  createHttpClient,
  isNotFound,
  type GetOptions,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type NotFound,
} from './http-client.js';
export { HttpError } from './http-error.js';
