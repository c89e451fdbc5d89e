// Stylesheets are bundled as text (esbuild's text loader) and adopted inside the shadow root.
declare module '*.css' {
  const text: string;
  export default text;
}

// Leaflet's ES module build; the types are those of the `leaflet` package.
declare module 'leaflet/dist/leaflet-src.esm.js' {
  export * from 'leaflet';
}
