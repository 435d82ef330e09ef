// A static studio: every page is an HTML shell, all work happens in the browser.
export const prerender = true;
export const ssr = false;
export const trailingSlash = 'always';
