// The charting library (Apache ECharts, vendored: see vendor/echarts-6.1.0/README.md), and the
// glue every chart shares: an SVG renderer (crisp, and its marks are in the DOM), resizing with its
// container (also when a page builds the chart before attaching it), and disposal when the page goes away.
import * as echarts from '../vendor/echarts-6.1.0/echarts.esm.min.js';

export function chart(container, option) {
  const instance = echarts.init(container, null, { renderer: 'svg' });
  instance.setOption(option);
  const observer = new ResizeObserver(() => instance.resize());
  observer.observe(container);
  return {
    instance,
    update: next => instance.setOption(next, { notMerge: true }),
    dispose: () => {
      observer.disconnect();
      instance.dispose();
    },
  };
}

/** Colours of the Flip ratings, shared by the chart and the shift badges (see css/app.css). */
export const ratingColours = { 'no-flip': '#4b7d4b', 'half-flip': '#b07d00', 'full-flop': '#b3261e' };
