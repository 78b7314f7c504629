import ElementPlus from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn.mjs";
import "element-plus/dist/index.css";
import { createApp } from "vue";
import { createRouter, createWebHistory } from "vue-router";
import App from "./App.vue";
import { restore } from "./auth";
import Home from "./views/Home.vue";
import Screening from "./views/Screening.vue";

const router = createRouter({
  history: createWebHistory("/console/"),
  routes: [
    { path: "/", component: Home, meta: { title: "工作台" } },
    { path: "/communities/:community/screening", component: Screening, props: true, meta: { title: "确定议题" } },
  ],
});
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? "工作台")} · 议事`;
});

restore()
  .catch((error) => console.error("sign-in could not be completed", error))
  .finally(() => createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount("#app"));
