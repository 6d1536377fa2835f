import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import LabList from './LabList.vue';
import LabObjectives from './LabObjectives.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LabList', LabList);
    app.component('LabObjectives', LabObjectives);
  },
} satisfies Theme;
